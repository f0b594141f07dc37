"""`gapbot health` and `gapbot verify-links` from the command line, on a local workbook."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.demo import write_workbook
from bot.stores import WorkbookStore
from jobs.cli import main
from sheets_schema.tabs import PROSPECTS
from tests.http_server import LocalServer, Route, html


@pytest.mark.slow
def test_health_and_verify_links_commands_write_the_workbook(tmp_path: Path) -> None:
    path = tmp_path / "team.xlsx"
    routes = {
        "/robots.txt": Route(404),
        "/guide": Route(body=html("Guide", '<link rel="canonical" href="/guide">')),
        "/post": Route(body=html("Post", body='<a href="https://ours.example/guide">our guide</a>')),
    }
    with LocalServer(routes) as server:
        prospect = {"Domain": "blog.org", "Outcome": "Published / linked", "Won link URL": server.url("/post")}
        write_workbook(
            path,
            {
                "Settings": [["Setting", "Value"], ["Our domains", "ours.example"], ["Allow private addresses", "yes"]],
                "Targets": [["Target URL", "Active"], [server.url("/guide"), "Yes"]],
                PROSPECTS.name: [PROSPECTS.names, [prospect.get(c, "") for c in PROSPECTS.names]],
            },
        )
        health = CliRunner().invoke(main, ["--workbook", str(path), "health"])
        verify = CliRunner().invoke(main, ["--workbook", str(path), "verify-links"])
        agents = {s.headers["user-agent"] for s in server.seen}
    assert health.exit_code == 0, health.output
    assert health.output.startswith("health: 1 target(s): 1 OK, 0 to check, 0 to fix first")
    assert verify.exit_code == 0, verify.output
    assert verify.output.startswith("verify-links: 1 won link(s): 1 verified")
    store = WorkbookStore(path)
    target_health = store.read_tab("Target health")
    assert target_health is not None and target_health["Verdict"].tolist() == ["OK"]
    prospects = store.read_tab(PROSPECTS.name)
    assert prospects is not None and prospects["Link verified"].iloc[0].startswith("Verified ")
    assert all("gapbot/" in a for a in agents)


def test_health_refuses_private_addresses_unless_allowed(tmp_path: Path) -> None:
    path = tmp_path / "team.xlsx"
    with LocalServer({"/guide": Route(body=html("Guide"))}) as server:
        write_workbook(path, {"Targets": [["Target URL"], [server.url("/guide")]]})
        result = CliRunner().invoke(main, ["--workbook", str(path), "health"])
        assert server.seen == []
    assert result.exit_code == 0, result.output
    assert f"note: fix first: {server.url('/guide')}" in result.output
    target_health = WorkbookStore(path).read_tab("Target health")
    assert target_health is not None and "loopback" in target_health["Reasons"].iloc[0]


def test_health_counts_targets_it_could_not_reach(tmp_path: Path) -> None:
    path = tmp_path / "team.xlsx"
    with LocalServer({}) as server:
        unreachable = server.url("/guide")  # the server is gone before the check: nothing listens there
    write_workbook(
        path,
        {
            "Settings": [["Setting", "Value"], ["Allow private addresses", "yes"]],
            "Targets": [["Target URL", "Active"], [unreachable, "Yes"]],
        },
    )
    result = CliRunner().invoke(main, ["--workbook", str(path), "health"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("health: 1 target(s): 0 OK, 0 to check, 0 to fix first, 1 could not be checked")
    target_health = WorkbookStore(path).read_tab("Target health")
    assert target_health is not None and target_health["Verdict"].tolist() == ["Could not check"]
