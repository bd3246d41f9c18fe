"""Every shipped rubric and problem loads and meets the framework's shape; bad files are named."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from interviewer.content.catalog import Catalog, get_problem, get_rubric
from interviewer.content.files import BUNDLED, DataFileError, load_model
from interviewer.content.problems import Problem
from interviewer.content.rubric import Rubric

DEFAULT_PHASES = [
    "problem_framing", "high_level_design", "data_and_features",
    "modeling", "inference_and_evaluation", "deep_dives",
]


def test_both_frameworks_ship() -> None:
    assert set(Catalog.load().rubrics) == {"default", "requirements_first"}


def test_default_framework_phase_order_and_45_minutes() -> None:
    rubric = get_rubric("default")
    assert [p.id for p in rubric.phases] == DEFAULT_PHASES
    assert sum(p.budget.target_minutes for p in rubric.phases) == rubric.total_minutes == 45


@pytest.mark.parametrize("rubric_id", ["default", "requirements_first"])
def test_every_phase_has_two_green_two_red_and_level_notes(rubric_id: str) -> None:
    rubric = get_rubric(rubric_id)
    ids = [rubric_id]
    for phase in rubric.phases:
        assert len(phase.green_flags) >= 2 and len(phase.red_flags) >= 2, phase.id
        assert phase.levels.mid and phase.levels.senior and phase.levels.staff
        ids += [phase.id] + [f.id for _, f in phase.flags]
    assert len(ids) == len(set(ids))
    assert sum(p.budget.target_minutes for p in rubric.phases) == rubric.total_minutes


def test_requirements_first_carries_the_seed_checklist_and_proxy_warning() -> None:
    rubric = get_rubric("requirements_first")
    assert [p.id for p in rubric.phases][:2] == ["clarify_requirements", "system_architecture"]
    checklist = " ".join(rubric.phases[0].checklist).lower()
    for topic in ["business", "already", "users", "personali", "latency"]:
        assert topic in checklist, topic
    arch = rubric.phase("system_architecture")
    assert any("proxy" in f.statement.lower() or "proxy" in f.evidence.lower() for _, f in arch.flags)


def test_problem_bank_has_twelve_distinct_problems_with_hidden_facts() -> None:
    problems = Catalog.load().problems
    assert len(problems) >= 12
    assert len({p.domain for p in problems.values()}) >= 12
    for p in problems.values():
        topics = " ".join(f.topic for f in p.hidden_facts).lower()
        assert "scale" in topics or "users" in topics, p.id
        assert "label" in topics or "data" in topics, p.id
        assert len(p.statement) < 300, f"{p.id}: the opener should be short and ambiguous"


def test_unknown_ids_name_the_choices() -> None:
    with pytest.raises(KeyError, match="unknown problem 'nope'.*payment_fraud"):
        get_problem("nope")
    with pytest.raises(KeyError, match="unknown framework 'nope'.*default"):
        get_rubric("nope")
    assert get_problem("random").id in Catalog.load().problems


# -- malformed files: each error names the file and the field ----------------------------------

def _default_rubric_raw() -> dict:
    return yaml.safe_load((BUNDLED / "rubrics" / "default.yaml").read_text())


def write(tmp_path: Path, raw: object, name: str = "broken.yaml") -> Path:
    path = tmp_path / name
    path.write_text(raw if isinstance(raw, str) else yaml.safe_dump(raw))
    return path


def test_missing_field_is_named(tmp_path: Path) -> None:
    raw = _default_rubric_raw()
    del raw["phases"][2]["green_flags"][0]["evidence"]
    with pytest.raises(DataFileError, match=r"broken\.yaml: field 'phases\[2\]\.green_flags\[0\]\.evidence'"):
        load_model(write(tmp_path, raw), Rubric)


def test_unknown_key_is_named(tmp_path: Path) -> None:
    raw = _default_rubric_raw()
    raw["phases"][0]["colour"] = "green"
    with pytest.raises(DataFileError, match=r"broken\.yaml: field 'phases\[0\]\.colour': Extra inputs"):
        load_model(write(tmp_path, raw), Rubric)


def test_duplicate_flag_id_is_named(tmp_path: Path) -> None:
    raw = _default_rubric_raw()
    raw["phases"][1]["red_flags"][0]["id"] = raw["phases"][0]["green_flags"][0]["id"]
    with pytest.raises(DataFileError, match=r"broken\.yaml: .*duplicate id 'pf_g_"):
        load_model(write(tmp_path, raw), Rubric)


def test_bad_yaml_gives_the_line(tmp_path: Path) -> None:
    with pytest.raises(DataFileError, match=r"broken\.yaml: invalid YAML at line 3, column 6"):
        load_model(write(tmp_path, "id: x\nphases: [unclosed\n  - a: b: c\n"), Rubric)


def test_non_mapping_and_binary_files(tmp_path: Path) -> None:
    with pytest.raises(DataFileError, match="expected a mapping"):
        load_model(write(tmp_path, "- just\n- a list\n"), Problem)
    binary = tmp_path / "bin.yaml"
    binary.write_bytes(b"\xff\xfe\x00\x01garbage")
    with pytest.raises(DataFileError, match=r"bin\.yaml: not UTF-8"):
        load_model(binary, Problem)


def test_user_directory_adds_problems_and_rejects_clashing_ids(tmp_path: Path) -> None:
    raw = yaml.safe_load((BUNDLED / "problems" / "payment_fraud.yaml").read_text())
    raw["id"] = "my_fraud"
    write(tmp_path, raw, "mine.yaml")
    assert "my_fraud" in Catalog.load(problems_dir=tmp_path).problems
    raw["id"] = "payment_fraud"
    clash = tmp_path / "clash"
    clash.mkdir()
    write(clash, raw, "dup.yaml")
    with pytest.raises(DataFileError, match=r"dup\.yaml: field 'id': duplicate problem id"):
        Catalog.load(problems_dir=clash)


def test_no_bank_cue_fires_on_plain_words_that_hold_an_abbreviation() -> None:
    """'about' is not A/B, 'cannot' not CNN: a challenge's cue (or an item's `unless`) matching inside
    ordinary words quotes a sentence that shows no mistake."""
    from interviewer.content.catalog import Catalog

    catalog = Catalog.load()
    plain = ("it takes about a day, above all for the abandoned carts; we cannot say more about "
             "the table, and the label is available at the time")
    items = [i for p in catalog.problems if (b := catalog.bank(p)) for i in b.probes]
    items += catalog.guide.challenges if catalog.guide else []
    assert not [i.ask for i in items if i.move == "challenge" and i.shown_in(plain)]
