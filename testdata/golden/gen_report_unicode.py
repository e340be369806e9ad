#!/usr/bin/python3
"""Writes report_unicode.json: classification_report with non-ASCII target names, whose
column width sklearn counts in characters (len of the str), not bytes.

Run with Debian's python3-sklearn:  /usr/bin/python3 testdata/golden/gen_report_unicode.py
"""
import json
import os

import sklearn
from sklearn.metrics import classification_report

here = os.path.dirname(os.path.abspath(__file__))
y_true = [0, 1, 2, 2, 0, 1, 2, 0]
y_pred = [0, 2, 2, 2, 0, 1, 1, 0]
cases = []
for names in (["café", "naïve", "über-größe-klasse"], ["猫", "犬", "鳥"], ["Ωmega", "élan", "ß"]):
    for digits in (2, 4):
        cases.append({"y_true": y_true, "y_pred": y_pred, "names": names, "digits": digits,
                      "text": classification_report(y_true, y_pred, target_names=names, digits=digits)})
with open(os.path.join(here, "report_unicode.json"), "w", encoding="utf-8") as f:
    json.dump({"sklearn_version": sklearn.__version__, "cases": cases}, f, ensure_ascii=False, indent=1)
print(f"wrote {len(cases)} reports")
