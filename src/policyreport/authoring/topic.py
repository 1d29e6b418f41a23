"""`policyreport new-topic NAME --title-zh … --title-en …`: a new chapter in one command.

It registers the topic in the project's data (so facts may carry it) and writes
notebooks/NN_NAME.ipynb from the template notebook shipped with the package
(authoring/templates/topic.ipynb): parameters cell, setup, chapter heading, one paragraph,
one chart and one table over the topic's facts, and a closing note. The template's code
picks the topic's facts from the dataset (`ctx.topic_facts`), so it runs whatever they are;
the analyst then rewrites the prose and chooses the figures that tell the story.

NN is one more than the highest number below 90 in use (00 is the summary's by convention,
and 90-99 stay free for closing chapters): 01 in a new project; the lowest free number from
01 when 89 is taken. Bad input (a name that is not snake case, a topic or notebook that
exists, a title with a number in it, a bad fact-id prefix) is one line and exit 2, with
nothing written: the notebook is written via a temporary file and removed again if the
topic cannot be registered.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from policyreport import paths
from policyreport.data.files import write_atomic
from policyreport.errors import DataError, ParameterError

TEMPLATE = Path(__file__).parent / "templates" / "topic.ipynb"
SNAKE_CASE = re.compile(r"^[a-z][a-z0-9]*(?:_[a-z0-9]+)*$")
PREFIX = re.compile(r"^[a-z][a-z0-9_]*$")
NUMBERED = re.compile(r"^(\d\d)_(.+)\.ipynb$")
#: Notebook numbers 90-99 are kept for chapters that close a report.
FIRST_RESERVED = 90


@dataclass(frozen=True)
class NewTopic:
    """What `new_topic` made."""

    name: str
    notebook: Path
    registered_in: Path


# --- checking ----------------------------------------------------------------------------


def check_name(name: str) -> str:
    if not SNAKE_CASE.match(name):
        raise ParameterError(
            parameter="NAME",
            expected="a topic name in snake case (lower-case letters, digits and _, "
            "starting with a letter), e.g. city_new_energy_vehicles",
            found=name,
        )
    return name


def check_title(title: str, option: str) -> str:
    from policyreport.data.scan import scan_text

    title = title.strip()
    if not title or "\n" in title:
        raise ParameterError(parameter=option, expected="a one-line, non-empty title", found=title)
    numbers = [mention.text for mention in scan_text(title)]
    if numbers:
        raise ParameterError(
            parameter=option,
            expected="a title without numbers (a number in a heading must come from data/: "
            "add it in the notebook as a placeholder)",
            found=title,
        )
    return title


def check_prefix(prefix: str | None) -> str | None:
    if prefix is not None and not PREFIX.match(prefix):
        raise ParameterError(
            parameter="--prefix", expected="lower snake case, e.g. ce_", found=prefix
        )
    return prefix


def topics_file(data_dir: Path) -> Path:
    """The file where the project declares its topics: the vocabulary."""
    from policyreport.data.vocabulary import vocabulary_path

    return vocabulary_path(data_dir)


def registered_topics(data_dir: Path) -> set[str]:
    """Topic ids of the project's vocabulary."""
    from policyreport.data.vocabulary import load_vocabulary

    return set(load_vocabulary(data_dir).topics)


def notebook_number(notebook_dir: Path) -> int:
    """The number of the next notebook: one more than the highest below FIRST_RESERVED (1
    when there is none: 00 is the summary's), or the lowest free one from 1 when that is
    taken."""
    used = {
        int(match.group(1))
        for path in notebook_dir.glob("*.ipynb")
        if (match := NUMBERED.match(path.name))
    }
    below = [number for number in used if number < FIRST_RESERVED]
    following = max(below) + 1 if below else 1
    if following < FIRST_RESERVED:
        return following
    free = [number for number in [*range(1, FIRST_RESERVED), 0] if number not in used]
    if not free:
        raise DataError(
            file=notebook_dir,
            expected=f"a free notebook number below {FIRST_RESERVED}",
            found="all taken",
        )
    return free[0]


def existing_notebook(notebook_dir: Path, name: str) -> Path | None:
    for path in sorted(notebook_dir.glob("*.ipynb")):
        match = NUMBERED.match(path.name)
        if path.stem == name or (match and match.group(2) == name):
            return path
    return None


# --- registering the topic ---------------------------------------------------------------


def register_topic(
    data_dir: Path, name: str, title_zh: str, title_en: str, prefix: str | None = None
) -> Path:
    """Make `name` a topic facts and derived figures may carry; return the file changed.

    With topics_file and registered_topics, the one place that knows where topics are
    declared: the vocabulary, whose add_topic also refreshes the data package's enums."""
    from policyreport.data.vocabulary import add_topic

    add_topic(data_dir, name, title_zh, title_en, prefix=prefix)
    return topics_file(data_dir)


# --- the notebook ------------------------------------------------------------------------


def _template_literal(title: str) -> str:
    """A Python string literal of `title` for a narrative template: braces doubled, so a
    brace in a title is text, not a placeholder."""
    return json.dumps(title.replace("{", "{{").replace("}", "}}"), ensure_ascii=False)


def render_notebook(stem: str, name: str, title_zh: str, title_en: str) -> str:
    """The template notebook filled in for one topic, as notebook JSON text."""
    notebook = json.loads(TEMPLATE.read_text(encoding="utf-8"))
    number = stem.split("_", 1)[0]
    code = {
        '"__TITLE_ZH__"': _template_literal(title_zh),
        '"__TITLE_EN__"': _template_literal(title_en),
    }
    plain = {
        "__NOTEBOOK__": stem,
        "__TOPIC__": name,
        "__SLUG__": name.replace("_", "-"),
        "__NUMBER__": number,
        "__TITLE_ZH__": title_zh,
        "__TITLE_EN__": title_en,
    }
    for cell in notebook["cells"]:
        text = "".join(cell["source"])
        replacements = {**code, **plain} if cell["cell_type"] == "code" else plain
        for token, value in replacements.items():
            text = text.replace(token, value)
        cell["source"] = text.splitlines(keepends=True)
    return json.dumps(notebook, indent=1, ensure_ascii=False) + "\n"


def new_topic(
    name: str,
    title_zh: str,
    title_en: str,
    root: Path | None = None,
    prefix: str | None = None,
) -> NewTopic:
    """Register topic `name` and write its notebook; nothing is written on bad input."""
    root = Path(root) if root else paths.ROOT
    data_dir, notebook_dir = root / "data", root / "notebooks"
    check_name(name)
    title_zh = check_title(title_zh, "--title-zh")
    title_en = check_title(title_en, "--title-en")
    check_prefix(prefix)
    if name in registered_topics(data_dir):
        raise DataError(
            file=topics_file(data_dir),
            field="topic",
            expected="a topic that is not registered yet",
            found=name,
        )
    existing = existing_notebook(notebook_dir, name)
    if existing is not None:
        raise DataError(
            file=existing, expected=f"no notebook for topic '{name}' yet", found="a notebook"
        )
    stem = f"{notebook_number(notebook_dir):02d}_{name}"
    notebook = notebook_dir / f"{stem}.ipynb"
    text = render_notebook(stem, name, title_zh, title_en)
    notebook_dir.mkdir(parents=True, exist_ok=True)
    write_atomic(notebook, text)
    try:
        registered = register_topic(data_dir, name, title_zh, title_en, prefix)
    except BaseException:
        notebook.unlink(missing_ok=True)
        raise
    return NewTopic(name=name, notebook=notebook, registered_in=registered)


# --- command line ------------------------------------------------------------------------

EXAMPLES = """
policyreport new-topic city_trade --title-zh 城市外贸 --title-en "The city's foreign trade"
    register the topic city_trade and write notebooks/NN_city_trade.ipynb, which charts and
    tabulates the topic's facts as soon as data/facts.csv has them
policyreport new-topic city_trade --title-zh 城市外贸 --title-en "The city's foreign trade" --prefix ct_
    the same, with ct_ as the stem of its fact ids (policyreport draft uses it)
"""


def add_arguments(parser) -> None:
    parser.add_argument("name", metavar="NAME", help="topic id in snake case, e.g. city_exports")
    parser.add_argument("--title-zh", required=True, help="chapter title in Chinese")
    parser.add_argument("--title-en", required=True, help="chapter title in English")
    parser.add_argument(
        "--prefix", help="stem of the topic's fact ids, e.g. ce_ (draft uses it by default)"
    )


def run(args) -> int:
    made = new_topic(args.name, args.title_zh, args.title_en, prefix=args.prefix)
    root = paths.ROOT
    print(f"registered topic '{made.name}' in {made.registered_in.relative_to(root)}")
    print(f"wrote {made.notebook.relative_to(root)}")
    print(
        f"next: policyreport draft SOURCE --topic {made.name} --out data/facts.csv "
        f"(or facts of topic '{made.name}' by hand), then name '{made.notebook.stem}' "
        "in a report spec under report/ (docs/add-a-page.md)"
    )
    return 0
