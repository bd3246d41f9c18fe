"""Reference points per problem and hints per green flag: complete, specific, and refused when malformed."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from interviewer.content.catalog import DEFAULT_RUBRIC, Catalog, _check_reference_from, default_green_ids
from interviewer.content.files import BUNDLED, DataFileError, load_model
from interviewer.content.rubric import Rubric

FRAMEWORKS = ["default", "requirements_first"]


def greens() -> list[str]:
    return default_green_ids(Catalog.load().rubric(DEFAULT_RUBRIC))


def test_the_default_framework_has_eighteen_green_flags() -> None:
    ids = greens()
    assert len(ids) == len(set(ids)) == 18
    assert {"pf_g_probing_questions", "mod_g_baseline", "dd_g_concrete_monitoring"} <= set(ids)


@pytest.mark.parametrize("problem_id", sorted(Catalog.load().problems))
def test_every_bundled_problem_has_a_complete_reference(problem_id: str) -> None:
    reference = Catalog.load().problem(problem_id).reference
    assert sorted(reference) == sorted(greens())
    for flag_id, point in reference.items():
        assert len(point) >= 20, (problem_id, flag_id)
        assert 15 <= len(point.split()) <= 70, (problem_id, flag_id, len(point.split()))


def test_reference_points_are_specific_to_their_problem() -> None:
    seen: dict[str, tuple[str, str]] = {}
    for problem in Catalog.load().problems.values():
        for flag_id, point in problem.reference.items():
            key = " ".join(point.lower().split())
            assert key not in seen, f"{problem.id}/{flag_id} repeats {seen[key]}"
            seen[key] = (problem.id, flag_id)
    assert len(seen) == 18 * len(Catalog.load().problems)


@pytest.mark.parametrize("framework", FRAMEWORKS)
def test_every_green_flag_has_a_hint_and_no_red_flag_does(framework: str) -> None:
    rubric = Catalog.load().rubric(framework)
    for phase in rubric.phases:
        for flag in phase.green_flags:
            assert flag.hint, flag.id
            assert 8 <= len(flag.hint.split()) <= 30, (flag.id, flag.hint)
            assert flag.statement.lower().rstrip(".") not in flag.hint.lower(), flag.id
            assert flag.question.lower() not in flag.hint.lower(), flag.id
        for flag in phase.red_flags:
            assert flag.hint is None and not flag.reference_from, flag.id


def test_hints_differ_across_flags() -> None:
    hints = [f.hint for fw in FRAMEWORKS for p in Catalog.load().rubric(fw).phases for f in p.green_flags]
    assert len(hints) == len(set(hints))


def test_requirements_first_greens_point_at_default_greens() -> None:
    default = set(greens())
    rubric = Catalog.load().rubric("requirements_first")
    for phase in rubric.phases:
        for flag in phase.green_flags:
            assert flag.reference_from, flag.id
            assert set(flag.reference_from) <= default, flag.id
    assert rubric.flag("mdl_g_baseline")[2].reference_from == ["mod_g_baseline"]
    assert rubric.flag("ms_g_monitoring")[2].reference_from == ["dd_g_concrete_monitoring"]
    for phase in Catalog.load().rubric(DEFAULT_RUBRIC).phases:
        assert all(not f.reference_from for f in phase.green_flags)


def test_catalog_reference_for_both_frameworks() -> None:
    catalog = Catalog.load()
    fraud = catalog.problem("payment_fraud")
    assert catalog.reference("payment_fraud", "default", "mod_g_baseline") == [fraud.reference["mod_g_baseline"]]
    assert catalog.reference("payment_fraud", "requirements_first", "mdl_g_baseline") == [
        fraud.reference["mod_g_baseline"]]
    both = catalog.reference("eta_prediction", "requirements_first", "cr_g_existing_system")
    eta = catalog.problem("eta_prediction").reference
    assert both == [eta["pf_g_probing_questions"], eta["mod_g_baseline"]]
    # red flags have no reference point
    assert catalog.reference("payment_fraud", "default", "mod_r_jumps_to_complex") == []
    assert catalog.reference("payment_fraud", "requirements_first", "mdl_r_jumps_to_complex") == []
    # every green flag of every framework yields at least one point on every bundled problem
    for framework in FRAMEWORKS:
        for phase in catalog.rubric(framework).phases:
            for flag in phase.green_flags:
                for problem_id in catalog.problems:
                    assert catalog.reference(problem_id, framework, flag.id), (framework, flag.id, problem_id)
    with pytest.raises(KeyError, match="unknown problem 'nope'"):
        catalog.reference("nope", "default", "mod_g_baseline")
    with pytest.raises(KeyError, match="no flag 'nope'"):
        catalog.reference("payment_fraud", "default", "nope")


# -- user folders: optional reference, malformed data refused with file and field -----------------

def _fraud_raw(new_id: str) -> dict:
    raw = yaml.safe_load((BUNDLED / "problems" / "payment_fraud.yaml").read_text(encoding="utf-8"))
    raw["id"] = new_id
    return raw


def _write(folder: Path, name: str, raw: object) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(yaml.safe_dump(raw, sort_keys=False), encoding="utf-8")
    return path


def test_a_users_problem_may_omit_the_reference(tmp_path: Path) -> None:
    raw = _fraud_raw("my_fraud_noref")
    del raw["reference"]
    catalog = Catalog.load(problems_dir=_write(tmp_path / "noref", "mine.yaml", raw).parent)
    assert catalog.problem("my_fraud_noref").reference == {}
    assert catalog.reference("my_fraud_noref", "default", "mod_g_baseline") == []
    assert catalog.reference("my_fraud_noref", "requirements_first", "mdl_g_baseline") == []


def _unknown(ref: dict[str, str]) -> None:
    ref["mod_g_made_up"] = "A point about a flag that the default framework does not have."


def _red(ref: dict[str, str]) -> None:
    ref["mod_r_jumps_to_complex"] = ref.pop("mod_g_baseline")


def _short(ref: dict[str, str]) -> None:
    ref["mod_g_baseline"] = "use rules"


@pytest.mark.parametrize(("name", "edit", "error"), [
    ("unknown_key", _unknown, r"unknown_key\.yaml: field 'reference\.mod_g_made_up': not a green"),
    ("missing_key", lambda ref: ref.pop("dd_g_scaling"),
     r"missing_key\.yaml: field 'reference\.dd_g_scaling': missing"),
    ("red_key", _red, r"red_key\.yaml: field 'reference\.mod_r_jumps_to_complex'"),
    ("short_point", _short, r"short_point\.yaml: field 'reference\.mod_g_baseline': String should"),
])
def test_a_bad_reference_is_refused_naming_file_and_field(tmp_path: Path, name: str, edit: Any, error: str) -> None:
    raw = _fraud_raw(f"my_fraud_{name}")
    edit(raw["reference"])
    folder = _write(tmp_path / name, f"{name}.yaml", raw).parent
    with pytest.raises(DataFileError, match=error):
        Catalog.load(problems_dir=folder)


def _rubric_raw(name: str, new_id: str) -> dict:
    raw = yaml.safe_load((BUNDLED / "rubrics" / name).read_text(encoding="utf-8"))
    raw["id"] = new_id
    return raw


def test_unknown_reference_from_id_is_refused(tmp_path: Path) -> None:
    raw = _rubric_raw("requirements_first.yaml", "req_broken")
    raw["phases"][3]["green_flags"][0]["reference_from"] = ["mod_g_baseline", "mod_g_nonexistent"]
    folder = _write(tmp_path / "rubrics_unknown", "bad_from.yaml", raw).parent
    with pytest.raises(DataFileError, match=r"bad_from\.yaml: field 'phases\[3\]\.green_flags\[0\]\.reference_from': "
                                            r"green flag 'mdl_g_baseline' names 'mod_g_nonexistent'"):
        Catalog.load(rubrics_dir=folder)


def test_reference_from_naming_a_red_flag_is_refused(tmp_path: Path) -> None:
    raw = _rubric_raw("requirements_first.yaml", "req_red")
    raw["phases"][4]["green_flags"][3]["reference_from"] = ["dd_r_vague_monitoring"]
    folder = _write(tmp_path / "rubrics_red", "red_from.yaml", raw).parent
    with pytest.raises(DataFileError, match=r"red_from\.yaml: field 'phases\[4\]\.green_flags\[3\]\.reference_from'"):
        Catalog.load(rubrics_dir=folder)


def test_a_users_framework_gets_reference_points_through_reference_from(tmp_path: Path) -> None:
    raw = _rubric_raw("requirements_first.yaml", "req_copy")
    catalog = Catalog.load(rubrics_dir=_write(tmp_path / "rubrics_ok", "copy.yaml", raw).parent)
    assert catalog.reference("search_ranking", "req_copy", "ms_g_monitoring") == [
        catalog.problem("search_ranking").reference["dd_g_concrete_monitoring"]]


def test_hints_are_optional_on_a_users_greens_and_forbidden_on_reds(tmp_path: Path) -> None:
    raw = _rubric_raw("default.yaml", "default")
    del raw["phases"][3]["green_flags"][0]["hint"]  # a user's own framework may leave hints out
    assert load_model(_write(tmp_path, "no_hint.yaml", raw), Rubric).phase("modeling").green_flags[0].hint is None
    raw = _rubric_raw("default.yaml", "default")
    raw["phases"][3]["red_flags"][0]["hint"] = "What would you compare this against first?"
    with pytest.raises(DataFileError, match=r"red_hint\.yaml: .*red flag 'mod_r_jumps_to_complex': hint"):
        load_model(_write(tmp_path, "red_hint.yaml", raw), Rubric)
    raw = _rubric_raw("default.yaml", "default")
    raw["phases"][0]["green_flags"][0]["hint"] = "Why?"
    with pytest.raises(DataFileError, match=r"short_hint\.yaml: field 'phases\[0\]\.green_flags\[0\]\.hint'"):
        load_model(_write(tmp_path, "short_hint.yaml", raw), Rubric)


def test_the_default_framework_maps_its_greens_to_themselves(tmp_path: Path) -> None:
    raw = _rubric_raw("default.yaml", "default")
    raw["phases"][3]["green_flags"][0]["reference_from"] = ["mod_g_tradeoffs"]
    rubric = load_model(_write(tmp_path, "remap.yaml", raw), Rubric)
    with pytest.raises(DataFileError, match=r"remap\.yaml: field 'phases\[3\]\.green_flags\[0\]\.reference_from': "
                                            r"green flag 'mod_g_baseline' of the default framework maps to itself"):
        _check_reference_from({"default": rubric}, {"default": str(tmp_path / "remap.yaml")})
