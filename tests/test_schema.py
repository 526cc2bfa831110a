"""The result-record schema (arena.eval.schema): one declared JSON Schema shared by writer, reader and report."""

from __future__ import annotations

import jsonschema
import pytest

from arena.eval.protocol import EpisodeKey
from arena.eval.results import ResultsWriter, read_results
from arena.eval.runner import make_record
from arena.eval.schema import RESULT_FIELDS, RESULT_SCHEMA, ResultSchemaError, record_problems, validate_record


def _record(**outcome):
    return make_record(EpisodeKey("StackBlocks", "None", 0, "expert"), **outcome)


def test_the_schema_is_valid_json_schema_and_lists_every_field_as_required():
    jsonschema.Draft202012Validator.check_schema(RESULT_SCHEMA)
    assert tuple(RESULT_SCHEMA["required"]) == RESULT_FIELDS
    assert RESULT_SCHEMA["additionalProperties"] is False


def test_a_built_record_has_exactly_the_schema_fields_and_round_trips_through_a_file(tmp_path):
    record = _record(success=True, steps=12, duration_s=0.5)
    assert tuple(record) == RESULT_FIELDS
    writer = ResultsWriter(tmp_path / "results.jsonl")
    writer.write(record)
    assert read_results(tmp_path / "results.jsonl") == [record]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda r: r.update(colour="red"), "Additional properties are not allowed ('colour' was unexpected)"),
        (lambda r: r.pop("seed"), "'seed' is a required property"),
        (lambda r: r.update(success="yes"), "success: 'yes' is not of type 'boolean'"),
        (lambda r: r.update(steps=-1), "steps: -1 is less than the minimum of 0"),
        (lambda r: r.update(config_hash="xyz"), "config_hash"),
    ],
)
def test_a_record_that_breaks_the_schema_is_refused_naming_the_field(change, message):
    record = _record()
    change(record)
    assert any(message in problem for problem in record_problems(record))
    with pytest.raises(ResultSchemaError, match="does not match the result schema"):
        validate_record(record)


def test_the_writer_refuses_a_record_outside_the_schema(tmp_path):
    record = _record()
    record["extra"] = 1
    with pytest.raises(ResultSchemaError, match="extra"):
        ResultsWriter(tmp_path / "results.jsonl").write(record)
    assert not (tmp_path / "results.jsonl").exists() or not (tmp_path / "results.jsonl").read_text()


def test_make_record_refuses_unknown_fields_and_lists_the_known_ones():
    with pytest.raises(ResultSchemaError, match="unknown result field.*'colour'.*fields: protocol, task"):
        _record(colour="red")
