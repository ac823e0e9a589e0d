from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from bridgehead.engines.match import fit_band
from bridgehead.engines.match.cli import main


def _write(path, text: str):
    path.write_text(text, encoding="utf-8")
    return path


PROFILES = [
    {
        "id": "s1",
        "kind": "startup",
        "language": "ko",
        "seeks": "미국 투자 유치",
        "offers": "AI 진단 소프트웨어",
        "sectors": ["health.ai"],
        "stage": "seed",
        "markets": ["US"],
    },
    {
        "id": "i1",
        "kind": "investor",
        "language": "en",
        "seeks": "AI diagnostics startups",
        "offers": "Seed funding",
        "sectors": ["health"],
        "stage": None,
        "markets": ["US"],
        "stages": ["seed"],
    },
    {
        "id": "i2",
        "kind": "investor",
        "language": "en",
        "seeks": "battery startups",
        "offers": "Growth funding",
        "sectors": ["industry.batteries"],
        "stage": None,
        "markets": ["KR"],
        "stages": ["growth"],
    },
]


def test_recommend_writes_matches_with_reasons(tmp_path) -> None:
    src = _write(tmp_path / "p.jsonl", "\n".join(json.dumps(p, ensure_ascii=False) for p in PROFILES) + "\n")
    out = tmp_path / "m.jsonl"
    blocks = _write(tmp_path / "b.csv", "a,b\ni2,s1\n")
    code = main(
        ["match", "recommend", str(src), "--top", "2", "--encoder", "hash", "--blocks", str(blocks), "-o", str(out)]
    )
    assert code == 0
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in rows] == ["s1", "i1", "i2"]
    assert [m["id"] for m in rows[0]["matches"]] == ["i1"]  # i2 blocked, startups only meet investors here
    assert rows[2]["matches"] == []
    match = rows[0]["matches"][0]
    assert match["band"] == fit_band(match["score"])
    reasons = rows[0]["matches"][0]["reasons"]
    market = next(r for r in reasons if r["code"] == "market_fit")
    weights = json.loads((Path(__file__).resolve().parents[3] / "src/bridgehead/engines/match/model.json").read_text())
    assert market == {
        "code": "market_fit",
        "markets": ["US"],
        "text": "귀사와 상대 기관 모두 미국 시장에 관심이 있습니다.",  # a startup viewer, an investor partner
        "weight": round(weights["weights"]["markets"], 4),
    }  # full market fit: contribution = weight
    assert set(rows[0]["matches"][0]["contributions"]) == set(weights["weights"]) - {
        f for f, w in weights["weights"].items() if not w
    }


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"id": "a", "kind": "startup"\n', "p.jsonl:1: invalid JSON"),
        (
            json.dumps(PROFILES[0]) + "\n" + json.dumps({**PROFILES[1], "kind": "bank"}) + "\n",
            "p.jsonl:2: unknown kind",
        ),
        (json.dumps(PROFILES[0]) + "\n\n" + json.dumps(PROFILES[0]) + "\n", "p.jsonl:3: duplicate id 's1'"),
        (json.dumps({**PROFILES[0], "markets": ["USA"]}) + "\n", "p.jsonl:1: market 'USA' is not an ISO"),
        (
            json.dumps({**PROFILES[0], "seeks_intents": ["money"]}) + "\n",
            "p.jsonl:1: unknown intent 'money' in 'seeks_intents'",
        ),
    ],
)
def test_recommend_rejects_bad_profiles(tmp_path, capsys, content, message) -> None:
    src = _write(tmp_path / "p.jsonl", content)
    code = main(["match", "recommend", str(src), "--encoder", "hash", "-o", str(tmp_path / "m.jsonl")])
    assert code == 2
    assert message in capsys.readouterr().err.replace("\n", " ")


def test_recommend_reads_intent_tags_and_feedback(tmp_path, capsys) -> None:
    tagged = [{**PROFILES[0], "seeks_intents": ["investment"]}, *PROFILES[1:]]
    src = _write(tmp_path / "p.jsonl", "\n".join(json.dumps(p, ensure_ascii=False) for p in tagged) + "\n")
    feedback = _write(tmp_path / "f.csv", "viewer,partner,signal\ns1,i2,declined\n")
    out = tmp_path / "m.jsonl"
    code = main(
        ["match", "recommend", str(src), "--top", "2", "--encoder", "hash", "--feedback", str(feedback), "-o", str(out)]
    )
    assert code == 0
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(rows[0]["matches"]) == 2
    bad = _write(tmp_path / "g.csv", "s1,i2,meh\n")
    code = main(["match", "recommend", str(src), "--encoder", "hash", "--feedback", str(bad), "-o", str(out)])
    assert code == 2
    assert "g.csv:1: unknown signal 'meh'" in capsys.readouterr().err.replace("\n", " ")


def test_assign_writes_csv(tmp_path, capsys) -> None:
    scores = _write(tmp_path / "s.csv", "item,person,score\na,x,1\na,y,0.5\nb,x,0.6\nb,y,0.2\n")
    conflicts = _write(tmp_path / "c.csv", "item,person\nb,y\n")
    out = tmp_path / "asg.csv"
    code = main(
        [
            "match",
            "assign",
            str(scores),
            "--demand",
            "1",
            "--max-load",
            "1",
            "--conflicts",
            str(conflicts),
            "--objective",
            "fair",
            "-o",
            str(out),
        ]
    )
    assert code == 0
    with open(out, encoding="utf-8") as fh:
        assert list(csv.reader(fh)) == [["item", "person", "score"], ["a", "y", "0.5"], ["b", "x", "0.6"]]


def test_assign_reports_infeasibility(tmp_path, capsys) -> None:
    scores = _write(tmp_path / "s.csv", "a,x,1\nb,x,1\nc,y,1\nc,z,1\n")
    code = main(["match", "assign", str(scores), "--demand", "1", "--max-load", "1", "-o", str(tmp_path / "o.csv")])
    assert code == 1
    err = capsys.readouterr().err.replace("\n", " ")
    assert "items a, b need 2 assignments together, but their only eligible people x can take 1" in " ".join(
        err.split()
    )


@pytest.mark.parametrize(
    ("scores", "conflicts", "message"),
    [
        ("item,person,score\na,x,1\na,y\n", None, "s.csv:3: expected 3 columns"),
        ("a,x,1\na,y,NaN\n", None, "s.csv:2: score 'NaN' is not a finite number"),
        ("a,x,1\na,y,-0.5\n", None, "s.csv:2: score -0.5 is negative"),
        ("a,x,1\na,y,high\n", None, "s.csv:2: score 'high' is not a number"),
        ("a,x,1\na,x,2\n", None, "s.csv:2: pair (a, x) repeats line 1"),
        ("a,x,1\n", "item,person\na,x\nz,x\n", "c.csv:3: unknown item id 'z'"),
        ("a,x,1\n", "a,q\n", "c.csv:1: unknown person id 'q'"),
        ('a,x,1\n"b,y,2\n', None, "s.csv"),
    ],
)
def test_assign_rejects_bad_files(tmp_path, capsys, scores, conflicts, message) -> None:
    args = [
        "match",
        "assign",
        str(_write(tmp_path / "s.csv", scores)),
        "--demand",
        "1",
        "--max-load",
        "1",
        "-o",
        str(tmp_path / "o.csv"),
    ]
    if conflicts is not None:
        args += ["--conflicts", str(_write(tmp_path / "c.csv", conflicts))]
    assert main(args) == 2
    err = " ".join(capsys.readouterr().err.split())
    assert message in err and "Traceback" not in err


def test_recommend_reuses_the_encoding_cache(tmp_path, capsys) -> None:
    src = _write(tmp_path / "p.jsonl", "\n".join(json.dumps(p, ensure_ascii=False) for p in PROFILES) + "\n")
    cache = tmp_path / "cache.npz"
    args = ["match", "recommend", str(src), "--encoder", "hash", "--cache", str(cache), "-o", str(tmp_path / "m.jsonl")]
    assert main(args) == 0
    first = " ".join(capsys.readouterr().err.split())
    assert main(args) == 0
    second = " ".join(capsys.readouterr().err.split())
    assert "(cache hits 0)" in first
    assert "(cache hits 6)" in second  # 3 profiles × (seeks, offers), nothing re-encoded
