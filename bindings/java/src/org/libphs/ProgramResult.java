package org.libphs;

import java.time.LocalDate;
import java.util.List;

/**
 * One program's outcome for one resident.
 *
 * @param enrolled true, false, or null when eligibility needs a missing field
 * @param tier the tier id; "insufficient_data" or "unclassified" for those outcomes; null when
 *     not enrolled
 * @param nextDue the next follow-up's due date, or null
 * @param earliest the earliest date the next follow-up counts for, or null
 * @param interval the tier's follow-up interval ("14 days"), or null
 * @param missing the fields whose absence kept enrolment or the tier from being decided
 */
public record ProgramResult(String program, Outcome outcome, Boolean enrolled, String tier,
    int level, String code, LocalDate nextDue, LocalDate earliest, String interval,
    boolean referral, List<String> actions, List<String> flags, List<String> undecidedFlags,
    List<Reason> reasons, List<String> missing) {}
