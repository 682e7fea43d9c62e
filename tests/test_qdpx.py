"""REFI-QDA projects: write -> read round trip, projects of other tools, and the schema checks."""

from __future__ import annotations

import zipfile

import numpy as np
import pandas as pd
import pytest
from lxml import etree

import cjm_research as cjm
from cjm_research.core.errors import DataError
from cjm_research.io import EXCERPT_COLUMNS, read_excerpts, read_qdpx, write_qdpx
from cjm_research.io.qdpx import NS, validate_project, validate_qdpx


def excerpts() -> pd.DataFrame:
    return pd.DataFrame({
        "excerpt_id": ["E1", "E2", "E3", "E4"],
        "participant": ["Rina K", "Rina K", "Budi", "Staff 1"],
        "customer_id": ["C001", "C001", "C002", None],
        "stage": ["decision", "retention", "decision", "retention"],
        "touchpoint": ["payment", "order_tracking", None, "ticket_routing"],
        "channel": ["web", "app", None, "call_centre"],
        "language": ["en", "en", "id", "en"],
        "text": ["My card was declined twice.", "Tracking said delivered & it wasn't <sigh>.",
                 "Pembayarannya gagal terus.", "Tickets come without context."],
        "pain_point": ["payment_failed", "late_delivery", "payment_failed", "no_context"],
        "gain": [None, None, None, None],
        "emotion": ["frustrated", None, "angry", None],
        "emotion_score": [-0.6, -0.35, np.nan, None],
    })


def standard(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame[EXCERPT_COLUMNS].sort_values("excerpt_id").reset_index(drop=True)
    return out.astype({c: "string" for c in EXCERPT_COLUMNS[:-1]}).astype({"emotion_score": float})


def test_round_trip_gives_the_same_excerpts(tmp_path):
    path = write_qdpx(excerpts(), tmp_path / "study.qdpx", name="study", created="2026-12-01T10:00:00Z")
    assert validate_qdpx(path) == []
    back = cjm.read_qdpx(path)
    pd.testing.assert_frame_equal(standard(back), standard(excerpts()))
    assert back.attrs["reader"] == "qdpx"
    # the same excerpts give byte-identical projects (stable GUIDs), so a diff shows real changes
    again = write_qdpx(excerpts(), tmp_path / "again.qdpx", name="study", created="2026-12-01T10:00:00Z")
    with zipfile.ZipFile(path) as a, zipfile.ZipFile(again) as b:
        assert a.read("project.qde") == b.read("project.qde")


def test_round_trip_from_an_excerpt_file(tmp_path):
    csv = tmp_path / "interviews.csv"
    excerpts().to_csv(csv, index=False)
    ex = read_excerpts(csv)
    back = read_qdpx(write_qdpx(ex, tmp_path / "p.qdpx"))
    pd.testing.assert_frame_equal(standard(back), standard(ex))


def test_project_structure_follows_the_standard(tmp_path):
    path = write_qdpx(excerpts(), tmp_path / "p.qdpx")
    with zipfile.ZipFile(path) as z:
        names = z.namelist()
        root = etree.fromstring(z.read("project.qde"))
        texts = {n: z.read(n).decode("utf-8") for n in names if n.startswith("sources/")}
    assert "project.qde" in names and len(texts) == 3  # one text source per participant
    q = {"q": NS}
    assert [etree.QName(c).localname for c in root] == ["Users", "CodeBook", "Variables", "Cases", "Sources"]
    parents = root.xpath("q:CodeBook/q:Codes/q:Code/@name", namespaces=q)
    assert parents == ["stage", "touchpoint", "channel", "pain_point", "emotion"]  # no gain coded
    assert root.xpath("count(//q:Case)", namespaces=q) == 3
    assert root.xpath("//q:Case[@name='Rina K']/q:VariableValue/q:TextValue/text()", namespaces=q) == ["C001"]
    sel = root.xpath("//q:PlainTextSelection[@name='E2']", namespaces=q)[0]
    source = sel.getparent()
    text = texts["sources/" + source.get("plainTextPath").split("://")[1]]
    assert text[int(sel.get("startPosition")):int(sel.get("endPosition"))] == excerpts()["text"][1]
    assert len(sel.findall("{%s}Coding" % NS)) == 4  # stage, touchpoint, channel, pain point


def test_original_sources_keep_their_offsets(tmp_path):
    full = "Interviewer: How was it?\nRina: My card was declined twice. Then the parcel was late."
    ex = pd.DataFrame({"participant": ["Rina"], "text": ["the parcel was late"], "pain_point": ["late"]})
    back = read_qdpx(write_qdpx(ex, tmp_path / "p.qdpx", sources={"Rina": full}))
    assert back[["start", "end"]].iloc[0].tolist() == [full.index("the parcel"), len(full) - 1]
    with pytest.raises(DataError, match="does not occur in the source text"):
        write_qdpx(ex.assign(text="not there"), tmp_path / "x.qdpx", sources={"Rina": full})


FOREIGN = """<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" name="From NVivo" origin="NVivo 14">
  <CodeBook><Codes>
    <Code guid="00000000-0000-0000-0000-00000000000a" name="Pain points" isCodable="false">
      <Code guid="00000000-0000-0000-0000-00000000000b" name="Refund slow" isCodable="true"/>
      <Code guid="00000000-0000-0000-0000-00000000000c" name="Rude agent" isCodable="true"/>
    </Code>
    <Code guid="00000000-0000-0000-0000-00000000000d" name="Pembayaran gagal" isCodable="true"/>
    <Code guid="00000000-0000-0000-0000-00000000000e" name="Memorable" isCodable="true"/>
  </Codes></CodeBook>
  <Cases>
    <Case guid="00000000-0000-0000-0000-000000000010" name="Participant 4">
      <SourceRef targetGUID="00000000-0000-0000-0000-000000000020"/>
    </Case>
  </Cases>
  <Sources>
    <TextSource guid="00000000-0000-0000-0000-000000000020" name="Interview 4.docx">
      <PlainTextContent>I waited a month for my refund and the agent was rude. Pembayaran saya gagal.</PlainTextContent>
      <PlainTextSelection guid="00000000-0000-0000-0000-000000000030" startPosition="0" endPosition="54">
        <Coding guid="00000000-0000-0000-0000-000000000031"><CodeRef targetGUID="00000000-0000-0000-0000-00000000000b"/></Coding>
        <Coding guid="00000000-0000-0000-0000-000000000032"><CodeRef targetGUID="00000000-0000-0000-0000-00000000000c"/></Coding>
        <Coding guid="00000000-0000-0000-0000-000000000033"><CodeRef targetGUID="00000000-0000-0000-0000-00000000000e"/></Coding>
      </PlainTextSelection>
      <PlainTextSelection guid="00000000-0000-0000-0000-000000000040" startPosition="55" endPosition="77">
        <Coding guid="00000000-0000-0000-0000-000000000041"><CodeRef targetGUID="00000000-0000-0000-0000-00000000000d"/></Coding>
      </PlainTextSelection>
    </TextSource>
    <PDFSource guid="00000000-0000-0000-0000-000000000050" name="brochure.pdf" path="relative://brochure.pdf"/>
  </Sources>
</Project>"""


def foreign_project(tmp_path, xml=FOREIGN):
    path = tmp_path / "nvivo.qdpx"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("project.qde", xml)
    return path


def test_projects_of_other_tools_become_excerpts(tmp_path):
    path = foreign_project(tmp_path)
    assert validate_qdpx(path) == []
    ex = read_qdpx(path, code_map=cjm.Codebook.example().code_map())
    # two pain points on the first selection: one excerpt each; the codebook maps its Indonesian label
    assert ex["pain_point"].tolist() == ["Refund slow", "Rude agent", "payment_failed"]
    assert ex["participant"].unique().tolist() == ["Participant 4"]
    assert ex["text"].iloc[0] == "I waited a month for my refund and the agent was rude."
    assert ex["text"].iloc[2] == "Pembayaran saya gagal."
    assert ex["stage"].iloc[2] == "decision" and ex["touchpoint"].iloc[2] == "payment"
    assert ex["codes"].iloc[0] == "Refund slow; Rude agent; Memorable"
    assert ex["source"].iloc[0] == "Interview 4.docx"
    assert any("non-text source" in n for n in ex.attrs["reader_notes"])


@pytest.mark.parametrize("change, problem", [
    (lambda x: x.replace('<CodeBook>', '<Sources/><CodeBook>', 1), "comes after Sources"),
    (lambda x: x.replace(' isCodable="true"/>', '/>', 1), "lacks required attribute(s) ['isCodable']"),
    (lambda x: x.replace("00000000-0000-0000-0000-00000000000b\" name", "xyz\" name"), "is not a GUID"),
    (lambda x: x.replace('startPosition="55" endPosition="77"', 'startPosition="56" endPosition="500"'),
     "outside its text"),
    (lambda x: x.replace('<CodeRef targetGUID="00000000-0000-0000-0000-00000000000d"/>',
                         '<CodeRef targetGUID="00000000-0000-0000-0000-0000000000ff"/>'), "names no Code"),
    (lambda x: x.replace('name="Interview 4.docx"', 'name="Interview 4.docx" plainTextPath="internal://a.txt"'),
     "either PlainTextContent or plainTextPath"),
    (lambda x: x.replace("00000000-0000-0000-0000-000000000041", "00000000-0000-0000-0000-000000000040"),
     "used by more than one element"),
    (lambda x: x.replace('<Case guid', '<Cases><Case guid', 1).replace('</Case>', '</Case></Cases>'),
     "may not contain Cases"),
    (lambda x: x[:x.index("<Cases>")] + "<Cases/>" + x[x.index("</Cases>") + 8:], "Cases must hold at least one Case"),
])
def test_schema_problems_are_found(tmp_path, change, problem):
    xml = change(FOREIGN)
    assert xml != FOREIGN
    problems = validate_project(xml.encode("utf-8"))
    assert any(problem in p for p in problems), problems
    with pytest.raises(DataError, match="not a valid REFI-QDA project"):
        read_qdpx(foreign_project(tmp_path, xml))


def test_optional_xsd_is_applied(tmp_path):
    # A schema of our own that only allows a Project without children: the XSD path must report it.
    xsd = tmp_path / "strict.xsd"
    xsd.write_text("""<xsd:schema xmlns:xsd="http://www.w3.org/2001/XMLSchema"
        targetNamespace="urn:QDA-XML:project:1.0" elementFormDefault="qualified">
      <xsd:element name="Project"><xsd:complexType>
        <xsd:attribute name="name" type="xsd:string" use="required"/>
      </xsd:complexType></xsd:element></xsd:schema>""", encoding="utf-8")
    problems = validate_qdpx(foreign_project(tmp_path), xsd=xsd)
    assert any("Element content is not allowed" in p for p in problems), problems
    assert not any("Element content" in p for p in validate_qdpx(foreign_project(tmp_path)))


def test_no_excerpts_give_a_valid_empty_project(tmp_path):
    path = write_qdpx(pd.DataFrame({"participant": [], "text": []}), tmp_path / "empty.qdpx")
    assert validate_qdpx(path) == [] and read_qdpx(path).empty


def test_unusable_files_are_data_errors(tmp_path):
    not_zip = tmp_path / "a.qdpx"
    not_zip.write_text("hello")
    with pytest.raises(DataError, match="zip file holding project.qde"):
        read_qdpx(not_zip)
    empty = tmp_path / "b.qdpx"
    with zipfile.ZipFile(empty, "w") as z:
        z.writestr("readme.txt", "x")
    with pytest.raises(DataError, match="no project.qde"):
        read_qdpx(empty)
    with pytest.raises(DataError, match="file not found"):
        read_qdpx(tmp_path / "missing.qdpx")
    with pytest.raises(DataError, match=r"need column\(s\) \['text'\]"):
        write_qdpx(pd.DataFrame({"participant": ["a"]}), tmp_path / "c.qdpx")
    with pytest.raises(DataError, match="without a participant or text"):
        write_qdpx(pd.DataFrame({"participant": ["a", None], "text": ["x", "y"]}), tmp_path / "c.qdpx")


def test_offsets_that_do_not_read_the_excerpt_are_named(tmp_path):
    full = "Rina: My card was declined twice. Then the parcel was late."
    ex = pd.DataFrame({"excerpt_id": ["e1", "e2"], "participant": ["Rina", "Rina"],
                       "text": ["My card was declined", "the parcel was late"],
                       "start": [6, 5], "end": [26, 20]})
    with pytest.raises(DataError, match="excerpt 'e2' is not the text at its start/end offsets"):
        write_qdpx(ex, tmp_path / "x.qdpx", sources={"Rina": full})
