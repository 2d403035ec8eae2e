"""Check eval/qa_lines_{dev,test}.yaml: valid YAML, item keys, no duplicate line (case, accents, punctuation ignored)."""
import re, sys, unicodedata, yaml
from pathlib import Path

FIELDS = {"project.policy", "project.description", "project.data", "project.results", "expectations"}

def norm(s):
    s = unicodedata.normalize("NFKD", s.lower())
    s = "".join(c for c in s if not unicodedata.combining(c))
    return " ".join(re.sub(r"[^\w\s]|_", " ", s).split())

seen, bad = {}, 0
for name in ("qa_lines_dev.yaml", "qa_lines_test.yaml"):
    for it in yaml.safe_load((Path(__file__).parent / name).read_text(encoding="utf-8")):
        ok = (set(it) <= {"field", "text", "is_question", "expected"} and it["field"] in FIELDS
              and isinstance(it["text"], str) and isinstance(it["is_question"], bool)
              and ("expected" not in it or it["is_question"]))
        key = norm(it["text"])
        if not ok or key in seen:
            bad += 1
            print("bad" if not ok else f"duplicate of {seen[key]}:", name, repr(it["text"]))
        seen.setdefault(key, name)
print(len(seen), "distinct lines,", bad, "problems")
sys.exit(1 if bad else 0)
