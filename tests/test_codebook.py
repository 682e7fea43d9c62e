"""Codebook: YAML reading and validation against a framework, and the REFI-QDA .qdc round trip."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
import yaml

import cjm_research as cjm
from cjm_research.core.errors import ConfigError, DataError, ParameterError
from cjm_research.io.qdpx import read_qdc, validate_codebook


def write(tmp_path, text: str, name="codebook.yml"):
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def test_example_is_bilingual_and_checked_against_the_default_framework():
    book = cjm.Codebook.example()
    fw = cjm.JourneyFramework.load("default")
    assert len(book) >= 10 and book.framework.name == fw.name
    for code in book:
        assert code.label["en"] and code.label["id"] and code.label["en"] != code.label["id"]
        assert code.kind in ("pain_point", "gain", "topic")
        assert code.stage in fw.stages
        assert code.keywords and code.examples
        if code.touchpoint:  # the stage was filled from the touchpoint where the file gives none
            assert fw.touchpoint(code.touchpoint).stage == code.stage
    late = book.code("late_delivery")
    assert (late.pain_point, late.gain, late.stage) == ("late_delivery", None, "retention")
    assert book.code("fast_delivery").gain == "fast_delivery"
    assert book.label("payment_failed", "id") == "Pembayaran gagal"


def test_yaml_round_trip(tmp_path):
    book = cjm.Codebook.example()
    path = book.to_yaml(tmp_path / "book.yml")
    assert yaml.safe_load(path.read_text(encoding="utf-8"))["framework"] == "default"
    back = cjm.Codebook.from_yaml(path)
    assert back.codes == book.codes and back.name == book.name and back.version == book.version
    assert back.framework.name == book.framework.name


@pytest.mark.parametrize("entry, key, words", [
    ("{id: x, stage: payment}", "codes[0] (x).stage", "unknown stage 'payment'"),
    ("{id: x, touchpoint: till}", "codes[0] (x).touchpoint", "unknown touchpoint 'till'"),
    ("{id: x, stage: awareness, touchpoint: checkout}", "codes[0] (x).stage", "belongs to stage 'decision'"),
    ("{id: x, kind: pain}", "codes[0] (x).kind", "must be one of ['pain_point', 'gain', 'topic']"),
    ("{id: x, keyword: [late]}", "codes[0] (x)", "unknown entries 'keyword'"),
    ("{id: late delivery}", "codes[0] (late delivery).id", "without spaces"),
])
def test_bad_codes_name_the_file_and_key(tmp_path, entry, key, words):
    path = write(tmp_path, f"framework: default\ncodes:\n  - {entry}\n")
    with pytest.raises(ConfigError) as err:
        cjm.Codebook.from_yaml(path)
    message = str(err.value)
    assert str(path) in message and key in message and words in message


def test_duplicate_ids_and_missing_codes(tmp_path):
    with pytest.raises(ConfigError, match=r"codes\[1\]\.id': code 'a' is listed twice"):
        cjm.Codebook.from_yaml(write(tmp_path, "codes:\n  - {id: a}\n  - {id: a}\n"))
    with pytest.raises(ConfigError, match="missing required key 'codes'"):
        cjm.Codebook.from_yaml(write(tmp_path, "name: empty\n"))


def test_framework_path_is_relative_to_the_codebook(tmp_path):
    fw = {"stages": ["plan", "run"], "touchpoints": [{"id": "desk", "stage": "run", "channel": "office"}]}
    (tmp_path / "fw.yml").write_text(yaml.safe_dump(fw), encoding="utf-8")
    path = write(tmp_path, "framework: fw.yml\ncodes:\n  - {id: queue, kind: pain_point, touchpoint: desk}\n")
    book = cjm.Codebook.from_yaml(path)
    assert book.code("queue").stage == "run"
    # written elsewhere, the codebook still finds its framework
    (tmp_path / "copy").mkdir()
    moved = cjm.Codebook.from_yaml(book.to_yaml(tmp_path / "copy" / "book.yml"))
    assert moved.code("queue").stage == "run" and Path(moved.framework_ref).is_absolute()
    assert cjm.Codebook.from_yaml(book.to_yaml(tmp_path / "same.yml")).framework_ref == "fw.yml"
    # the same file against another framework fails on the touchpoint
    with pytest.raises(ConfigError, match="unknown touchpoint 'desk'"):
        cjm.Codebook.from_yaml(path, framework="default")


def test_codes_without_framework_are_not_checked(tmp_path):
    book = cjm.Codebook.from_yaml(write(tmp_path, "codes:\n  - {id: a, stage: anything}\n"))
    assert book.code("a").stage == "anything" and book.framework is None
    with pytest.raises(ParameterError, match=r"must be one of \['a'\], but 'b' was passed"):
        book.code("b")


def test_qdc_round_trip_keeps_every_field(tmp_path):
    book = cjm.Codebook.example()
    path = book.to_qdc(tmp_path / "book.qdc")
    assert validate_codebook(path.read_bytes()) == []
    back = cjm.Codebook.from_qdc(path, framework="default")
    assert back.codes == book.codes
    names = [r["name"] for r in read_qdc(path)]
    assert "Late delivery" in names  # QDA tools show the English label


def test_qdc_of_another_tool_becomes_topics(tmp_path):
    path = tmp_path / "nvivo.qdc"
    path.write_text("""<?xml version="1.0" encoding="utf-8"?>
<CodeBook xmlns="urn:QDA-XML:codebook:1.0" origin="NVivo">
  <Codes>
    <Code guid="11111111-1111-1111-1111-111111111111" name="Delivery" isCodable="false">
      <Code guid="22222222-2222-2222-2222-222222222222" name="Late parcel" isCodable="true" color="#ff0000">
        <Description>The parcel came after the promised day.</Description>
      </Code>
    </Code>
  </Codes>
</CodeBook>""", encoding="utf-8")
    book = cjm.Codebook.from_qdc(path)
    assert book.ids == ["Late_parcel"]  # the grouping code is not codable
    code = book.code("Late_parcel")
    assert code.kind == "topic" and code.label == {"en": "Late parcel", "id": "Late parcel"}
    assert code.description == "The parcel came after the promised day." and code.color == "#ff0000"


def test_invalid_qdc_is_a_data_error(tmp_path):
    path = tmp_path / "bad.qdc"
    path.write_text('<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes>'
                    '<Code guid="not-a-guid" name="x"/></Codes></CodeBook>', encoding="utf-8")
    with pytest.raises(DataError) as err:
        cjm.Codebook.from_qdc(path)
    assert str(path) in str(err.value) and "not a valid REFI-QDA codebook" in str(err.value)
    assert validate_codebook(path.read_bytes())  # missing isCodable and a bad GUID
    with pytest.raises(DataError, match="not well-formed XML"):
        (tmp_path / "broken.qdc").write_text("<CodeBook", encoding="utf-8")
        cjm.Codebook.from_qdc(tmp_path / "broken.qdc")
