"""The JSON Schema of a bank, for editors that check YAML as it is typed.

`questions/schema.json` is generated from the models; regenerate it after
changing `schema.py`:

    python -m quizapp.core.bank.jsonschema > questions/schema.json
"""

from __future__ import annotations

import json
import sys

from quizapp.core.bank.schema import Bank

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
TITLE = "quizapp question bank"


def render_schema() -> str:
    schema = {"$schema": SCHEMA_DIALECT, **Bank.model_json_schema()}
    schema["title"] = TITLE
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"


if __name__ == "__main__":
    sys.stdout.write(render_schema())
