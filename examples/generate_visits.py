#!/usr/bin/env python3
"""Generate examples/visits.csv: a synthetic district for `phs report`.

Deterministic (seeded; the same file on every run and platform, standard library
only):

    python3 examples/generate_visits.py > examples/visits.csv

About 3,000 residents (ages 18-94) of one district, with their visits from
October 2023 to December 2024:

- hypertension (I10) and type 2 diabetes (E11) patients, 35+, followed up the
  way real teams do: a controlled patient is seen again after about 3 months,
  an uncontrolled one after about 2 weeks, an emergency is referred and seen
  again within 2 weeks - with the realistic faults a report must show: visits a
  few weeks late, phone follow-ups instead of face-to-face ones, patients who
  stop coming (overdue at the year's end), missing measurements, patients
  diagnosed during the year;
- residents 65+ with the yearly health check (most, not all) and the extra
  contacts of those whose weight is outside the elderly band;
- everyone else with one contact (a check-up or a registration visit);
- `ehr_open` on a bit under half of the records' residents (the 2024 target is
  40 %);
- a few residents without a birth date (their age, so their enrolment, is
  unknown).

Every number is made up; no real person is described.  The fields are those of
rules/fields.yaml; each visit is one row keyed by id and visit_date.
"""
import datetime as dt
import random
import sys

SEED = 20241231
N_RESIDENTS = 3000
START = dt.date(2023, 10, 1)
END = dt.date(2024, 12, 31)

COLUMNS = ["id", "sex", "birth_date", "visit_date", "diagnoses", "sbp", "dbp",
           "heart_rate", "fpg", "weight_kg", "height_cm", "waist_cm",
           "adverse_drug_reaction", "htn_prev_uncontrolled",
           "dm_prev_uncontrolled", "last_health_check", "followup_mode",
           "ehr_open"]


def add_months(d, n):
    """Calendar months, clamped to the month's end (as libphs does)."""
    m = d.month - 1 + n
    y, m = d.year + m // 12, m % 12 + 1
    for day in (d.day, 30, 29, 28):
        try:
            return dt.date(y, m, day)
        except ValueError:
            continue
    raise AssertionError(d)


def age_on(birth, day):
    a = day.year - birth.year
    return a - ((day.month, day.day) < (birth.month, birth.day))


class Resident:
    def __init__(self, rng, n):
        self.rng = rng
        self.id = f"R{n:05d}"
        self.sex = rng.choice("MF")
        # an ageing district: more people in their 50s-70s
        age = int(min(94, max(18, rng.gauss(56, 16))))
        self.birth = dt.date(2024 - age, 1, 1) + dt.timedelta(days=rng.randrange(365))
        self.height = round(rng.gauss(170 if self.sex == "M" else 158, 6))
        self.bmi = rng.gauss(24.0, 3.3)
        self.htn = age >= 35 and rng.random() < (0.18 + 0.006 * max(0, age - 35))
        self.dm = age >= 35 and rng.random() < (0.06 + 0.002 * max(0, age - 35))
        # baseline control: most patients near target, some far above it
        self.sbp0 = rng.gauss(143, 14) if self.htn else rng.gauss(124, 10)
        self.fpg0 = rng.gauss(6.8, 1.2) if self.dm else rng.gauss(5.2, 0.5)
        self.adherence = rng.random()          # how reliably they come back
        self.dropout = None                    # the date they stop coming
        if (self.htn or self.dm) and rng.random() < 0.12:
            self.dropout = START + dt.timedelta(days=rng.randrange(120, 440))
        self.diagnosed = None                  # new patients: diagnosed in 2024
        if (self.htn or self.dm) and rng.random() < 0.08:
            self.diagnosed = dt.date(2024, 1, 1) + dt.timedelta(days=rng.randrange(300))
        self.ehr_open = rng.random() < 0.44
        self.last_check = None
        if age_on(self.birth, END) >= 65 and rng.random() < 0.8:
            self.last_check = dt.date(2023, 1, 1) + dt.timedelta(days=rng.randrange(365))
        self.prev_htn_unc = False
        self.prev_dm_unc = False
        # a few records without a birth date: age unknown, so enrolment and
        # the 65+ condition cannot be decided (the report says "excluded")
        self.birth_missing = rng.random() < 0.006

    def age(self, day):
        return age_on(self.birth, day)

    def codes(self, day):
        if self.diagnosed and day < self.diagnosed:
            return []
        return (["I10"] if self.htn else []) + (["E11.9"] if self.dm else [])

    def visit(self, day, check=False):
        rng = self.rng
        codes = self.codes(day)
        sbp = round(rng.gauss(self.sbp0, 9))
        if rng.random() < 0.015:
            sbp = rng.randint(180, 200)         # an emergency reading
        dbp = round(min(sbp - 25, rng.gauss(sbp * 0.6, 5)))
        fpg = round(max(3.0, rng.gauss(self.fpg0, 0.9)), 1)
        weight = round(self.bmi * (self.height / 100) ** 2 + rng.gauss(0, 1), 1)
        mode = rng.choices(["clinic", "home", "phone", ""], [79, 12, 8, 1])[0]
        if check:
            mode, self.last_check = "clinic", day
        row = {
            "id": self.id, "sex": self.sex,
            "birth_date": "" if self.birth_missing else self.birth.isoformat(),
            "visit_date": day.isoformat(), "diagnoses": ";".join(codes),
            "sbp": "" if rng.random() < 0.01 else sbp, "dbp": dbp,
            "heart_rate": round(rng.gauss(76, 9)),
            "fpg": fpg if (self.dm or check) and rng.random() > 0.02 else "",
            "weight_kg": weight, "height_cm": self.height,
            "waist_cm": round(weight * 0.9 + (8 if self.sex == "M" else 4), 1),
            "adverse_drug_reaction": "true" if codes and rng.random() < 0.02 else "",
            "htn_prev_uncontrolled": "true" if self.prev_htn_unc else "",
            "dm_prev_uncontrolled": "true" if self.prev_dm_unc else "",
            "last_health_check": self.last_check.isoformat() if self.last_check else "",
            "followup_mode": mode,
            "ehr_open": "true" if self.ehr_open else "false",
        }
        target = 150 if self.age(day) >= 65 else 140
        htn_unc = isinstance(row["sbp"], int) and (row["sbp"] >= target or dbp >= 90)
        self.prev_htn_unc = "I10" in codes and htn_unc
        self.prev_dm_unc = "E11.9" in codes and fpg >= 7.0
        # an uncontrolled patient's treatment is adjusted: it mostly works
        if self.prev_htn_unc:
            self.sbp0 -= rng.uniform(0, 2.5)
        if self.prev_dm_unc:
            self.fpg0 -= rng.uniform(0, 0.15)
        urgent = "I10" in codes and isinstance(row["sbp"], int) and row["sbp"] >= 180
        return row, (urgent or self.prev_htn_unc or self.prev_dm_unc)

    def history(self):
        rng = self.rng
        rows = []
        chronic = self.htn or self.dm
        day = START + dt.timedelta(days=rng.randrange(75))
        if self.diagnosed:
            day = self.diagnosed
        check_day = None
        if self.age(END) >= 65 and rng.random() < 0.72:
            check_day = dt.date(2024, 3, 1) + dt.timedelta(days=rng.randrange(240))
        if not chronic:
            if check_day:
                rows.append(self.visit(check_day, check=True)[0])
                low = 20.0 if self.age(check_day) < 80 else 22.0
                if self.bmi < low or self.bmi >= 27.0:   # increased contact
                    for k in range(rng.choice([0, 1, 1, 2])):
                        when = check_day + dt.timedelta(days=rng.randint(60, 150) * (k + 1))
                        rows.append(self.visit(when)[0])
            else:
                when = START + dt.timedelta(days=rng.randrange((END - START).days))
                rows.append(self.visit(when)[0])
            return [r for r in rows if r["visit_date"] <= END.isoformat()]
        while day <= END:
            if self.dropout and day >= self.dropout:
                break
            is_check = check_day is not None and day >= check_day
            if is_check:
                check_day = None
            row, unstable = self.visit(day, check=is_check)
            rows.append(row)
            gap = rng.randint(10, 14) if unstable else rng.randint(70, 88)
            # late: the less adherent, the more often and the later
            if rng.random() < 0.3 * (1 - self.adherence):
                gap += rng.randint(5, 75)
            day += dt.timedelta(days=gap)
        if check_day and check_day <= END and (not self.dropout or check_day < self.dropout):
            rows.append(self.visit(check_day, check=True)[0])
        return rows


def main():
    rng = random.Random(SEED)
    out = sys.stdout
    out.write(",".join(COLUMNS) + "\n")
    for n in range(1, N_RESIDENTS + 1):
        rows = Resident(rng, n).history()
        rows.sort(key=lambda r: r["visit_date"])
        for r in rows:
            out.write(",".join(str(r[c]) for c in COLUMNS) + "\n")


if __name__ == "__main__":
    main()
