import phs

with phs.Engine() as engine:  # the bundled rules
    r = engine.classify({"id": "r1", "age": 58, "visit_date": "2024-06-01",
                         "diagnoses": ["I10"], "sbp": 176, "dbp": 108})
    print(r["hypertension"].tier, r["hypertension"].next_due)  # uncontrolled 2024-06-15
