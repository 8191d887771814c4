"""The Gradio UI. ``build_app(db_url)`` assembles the tabs; every callback reads the store afresh.

Nothing happens at import: ``nearcoder leaderboard`` calls :func:`nearcoder.leaderboard.server.create_server`,
which mounts this UI next to the publishing API.
"""

from __future__ import annotations

import gradio as gr
import matplotlib.pyplot as plt
import pandas as pd
from sqlalchemy.exc import SQLAlchemyError

from nearcoder.harness.manifest import CONTAMINATION, MODEL_TYPES
from nearcoder.leaderboard import about, eval_queue, populate
from nearcoder.leaderboard.display.columns import (
    ALL_COLS,
    BENCHMARK_COLS,
    CHOOSABLE_COLS,
    COLUMNS,
    DEFAULT_COLS,
    SCORE_COLS,
    SIZE_CHOICES,
    halfwidth_col,
)
from nearcoder.leaderboard.display.formatting import (
    escape_markdown,
    styled_table,
    with_intervals,
)
from nearcoder.leaderboard.display.plots import lineage_lines, per_task_bars, score_vs_parameters
from nearcoder.leaderboard.store.engine import read_session

C = COLUMNS
_DTYPES = {c.name: c.type for c in ALL_COLS}


def _close(fig):
    plt.close(fig)
    return fig


def _datatypes(columns: list[str]) -> list[str]:
    return [_DTYPES.get(c, "str") if c not in SCORE_COLS else "str" for c in columns]



def build_app(db_url: str, submissions: bool = True) -> gr.Blocks:
    """The leaderboard UI over the store at ``db_url``. It never writes scores (publishing goes through the API
    and the CLI); its only write is the Submit tab's evaluation request, which ``submissions=False`` removes."""

    def table() -> pd.DataFrame:
        with read_session(db_url) as s:
            return populate.leaderboard_frame(s)

    def render_main(search, types, sizes, stages, show_partial, contamination, show_seed, evaluated_only, columns,
                    sort_by, asc):
        full = table()
        apart = full[full[C.apart.name] != ""]
        df = populate.apply_filters(full[full[C.apart.name] == ""], populate.Filters(
            search=search or "", types=types, sizes=sizes, stages=stages, show_partial=show_partial,
            contamination=contamination, show_seed=show_seed, evaluated_only=evaluated_only, columns=(columns or DEFAULT_COLS) + [C.source.name]))
        if sort_by in df.columns:
            df = df.sort_values(sort_by, ascending=bool(asc), na_position="last", kind="stable", ignore_index=True)
        shown = with_intervals(df, SCORE_COLS, halfwidth_col)
        cols = list(shown.columns)
        apart_cols = [C.model.name, C.apart.name, *SCORE_COLS, *map(halfwidth_col, SCORE_COLS)]
        apart_shown = with_intervals(apart[apart_cols].dropna(axis=1, how="all"), SCORE_COLS, halfwidth_col)
        styled = styled_table(shown, C.source.name)  # baseline and seed rows look different
        return (gr.update(value=styled, headers=cols, datatype=_datatypes(cols)), f"{len(df)} model(s)",
                gr.update(value=apart_shown, visible=not apart.empty))

    def choices():
        df = table()
        stages = sorted({s for s in df[C.stage.name].fillna("unknown")})
        names = list(df[C.model.name])
        top = list(df[df[C.source.name] == populate.MEASURED][C.model.name][:3]) or names[:3]
        return gr.update(choices=stages), gr.update(choices=names), gr.update(choices=names, value=top), \
            gr.update(choices=names)

    def open_model(name: str | None):
        empty = pd.DataFrame(columns=populate.SAMPLE_COLS)
        if not name:
            return "Pick a model.", pd.DataFrame(), {}, gr.update(choices=[], value=None), empty
        with read_session(db_url) as s:
            scores = populate.model_scores(s, name)
            prov = populate.model_provenance(s, name)
            samples = populate.model_samples(s, name)
        if not prov:
            header = f"### {escape_markdown(name)}\n\n*{about.SEED_NOTE}*: no scores, runs or samples are stored."
            return header, scores, {}, gr.update(choices=[], value=None), empty
        header = (f"### {escape_markdown(name)}\n\n{escape_markdown(prov['type'])} · stage "
                  f"{escape_markdown(prov['stage'] or '?')} · parent {escape_markdown(prov['parent'] or '-')} · "
                  f"{len(prov['runs'])} run(s)")
        tasks = sorted(set(samples["task"])) if not samples.empty else []
        return header, scores.round(5), prov, gr.update(choices=tasks, value=None), samples

    def filter_samples(name, task):
        with read_session(db_url) as s:
            return populate.model_samples(s, name, task or None) if name else pd.DataFrame(
                columns=populate.SAMPLE_COLS)

    def open_sample(evt: gr.SelectData, samples: pd.DataFrame):
        sample_id = _selected(evt, samples, "sample")
        if sample_id is None:
            return "", "", "", "", ""
        with read_session(db_url) as s:
            d = populate.sample_detail(s, int(sample_id))
        if d is None:
            return "", "", "", "", ""
        return d["prompt"], d["generation"], d["target"], d["verdict"], d["reason"] or d["metrics"]

    def pick_from_table(evt: gr.SelectData, shown: pd.DataFrame):
        return gr.update(value=_selected(evt, shown, C.model.name)), gr.Tabs(selected="model")

    def on_submit(model_in, revision_in, adapter_in, precision_in) -> str:
        return submit_request(db_url, model_in, revision_in, adapter_in, precision_in)

    def render_queue() -> pd.DataFrame:
        return queue_table(db_url)

    def plot_params(column):
        return _close(score_vs_parameters(table(), column))

    def plot_bars(models):
        return _close(per_task_bars(table(), models or []))

    def plot_lineage(name):
        if not name:
            return _close(lineage_lines(table(), []))
        with read_session(db_url) as s:
            chain = populate.lineage_from_store(s, name)
        return _close(lineage_lines(table(), chain))

    with gr.Blocks(title=about.TITLE) as demo:
        gr.Markdown(f"# {about.TITLE}")
        gr.Markdown(about.INTRODUCTION_TEXT)
        with gr.Tabs() as tabs:
            with gr.Tab("Leaderboard", id="main"):
                with gr.Row():
                    search = gr.Textbox(label="Search models", placeholder="name contains…", elem_id="search",
                                        scale=3)
                    sort_by = gr.Dropdown(CHOOSABLE_COLS, value=C.average.name, label="Sort by", elem_id="sort-by",
                                          scale=2)
                    asc = gr.Checkbox(False, label="ascending", elem_id="ascending", scale=1)
                with gr.Row():
                    types = gr.CheckboxGroup(list(MODEL_TYPES), label="Type", elem_id="filter-type")
                    sizes = gr.CheckboxGroup(SIZE_CHOICES, label="Size", elem_id="filter-size")
                    stages = gr.CheckboxGroup([], label="Training stage", elem_id="filter-stage")
                    contamination = gr.CheckboxGroup(list(CONTAMINATION), label="Contamination",
                                                     elem_id="filter-contamination")
                with gr.Row():
                    show_partial = gr.Checkbox(True, label="show partial runs (--limit)", elem_id="show-partial")
                    show_seed = gr.Checkbox(True, label=f"show seed rows ({about.SEED_NOTE})", elem_id="show-seed")
                    evaluated_only = gr.Checkbox(False, label="evaluated by the leaderboard only",
                                                 elem_id="evaluated-only")
                columns = gr.CheckboxGroup(CHOOSABLE_COLS, value=DEFAULT_COLS, label="Columns", elem_id="columns")
                count = gr.Markdown(elem_id="row-count")
                main = gr.Dataframe(headers=DEFAULT_COLS, datatype=_datatypes(DEFAULT_COLS), interactive=False,
                                    elem_id="leaderboard-table", max_height=600, wrap=False,
                                    pinned_columns=1)
                gr.Markdown(about.TABLE_NOTE)
                apart_table = gr.Dataframe(label="Shown apart: other task version or data, not ranked with the "
                                           "table above", interactive=False, elem_id="apart-table", visible=False,
                                           wrap=True)
            with gr.Tab("Model", id="model"):
                model = gr.Dropdown([], label="Model", elem_id="model-pick", allow_custom_value=False)
                header = gr.Markdown(elem_id="model-header")
                scores = gr.Dataframe(label="Every task and metric (newest run first)", interactive=False,
                                      elem_id="model-scores")
                with gr.Accordion("Provenance (manifest, lm-eval version, task hashes)", open=False):
                    prov = gr.JSON(elem_id="provenance")
                sample_task = gr.Dropdown([], label="Samples of task", elem_id="sample-task")
                samples = gr.Dataframe(label="Samples (click one)", interactive=False, elem_id="samples")
                with gr.Row():
                    prompt = gr.Textbox(label="Prompt", lines=8, elem_classes="sample-text", elem_id="prompt")
                    generation = gr.Textbox(label="Generation", lines=8, elem_classes="sample-text",
                                            elem_id="generation")
                with gr.Row():
                    target = gr.Textbox(label="Reference", lines=3, elem_id="target")
                    verdict = gr.Textbox(label="Verdict", elem_id="verdict")
                    reason = gr.Textbox(label="Reason / per-item metrics", lines=3, elem_id="reason")
            with gr.Tab("Plots", id="plots"):
                col = gr.Dropdown(BENCHMARK_COLS + [C.average.name], value="nearQuestions_rouge1",
                                  label="Score column")
                p_params = gr.Plot(label="Score against parameters", elem_id="plot-params")
                bar_models = gr.Dropdown([], multiselect=True, label="Models to compare", elem_id="bar-models")
                p_bars = gr.Plot(label="Per-task bars", elem_id="plot-bars")
                lin_model = gr.Dropdown([], value="NEARCoder-3b", label="Lineage ending at",
                                        allow_custom_value=True)
                p_lin = gr.Plot(label="Stage by stage", elem_id="plot-lineage")
            with gr.Tab("Submit", id="submit", visible=submissions) as submit_tab:
                gr.Markdown(about.SUBMIT_TEXT)
                with gr.Row():
                    submit_model = gr.Textbox(label="Model (hub id or checkpoint path)", elem_id="submit-model",
                                              scale=3)
                    submit_revision = gr.Textbox(label="Revision", placeholder="main", elem_id="submit-revision")
                    submit_adapter = gr.Textbox(label="Adapter (optional)", elem_id="submit-adapter", scale=2)
                    submit_precision = gr.Dropdown(list(eval_queue.PRECISIONS), value=eval_queue.PRECISIONS[0],
                                                   label="Precision", elem_id="submit-precision")
                submit_button = gr.Button("Submit", variant="primary", elem_id="submit-button")
                submit_status = gr.Textbox(label="Status", interactive=False, elem_id="submit-status")
                queue_view = gr.Dataframe(headers=populate.QUEUE_COLS, label="Evaluation queue (newest first)",
                                           interactive=False, elem_id="queue-table", wrap=True)
            with gr.Tab("About", id="about"):
                gr.Markdown(about.ABOUT_TEXT)
                gr.Markdown(_about_tables())
                gr.Markdown(f"*{about.CITATION_TEXT}*")

        filters = [search, types, sizes, stages, show_partial, contamination, show_seed, evaluated_only, columns,
                   sort_by, asc]
        for comp in filters:
            event = comp.submit if comp is search else comp.change
            event(render_main, filters, [main, count, apart_table])
        search.change(render_main, filters, [main, count, apart_table])
        main.select(pick_from_table, [main], [model, tabs])
        model.change(open_model, [model], [header, scores, prov, sample_task, samples])
        sample_task.change(filter_samples, [model, sample_task], [samples])
        samples.select(open_sample, [samples], [prompt, generation, target, verdict, reason])
        col.change(plot_params, [col], [p_params])
        bar_models.change(plot_bars, [bar_models], [p_bars])
        lin_model.change(plot_lineage, [lin_model], [p_lin])
        if submissions:
            submit_tab.select(render_queue, None, [queue_view])
            form = [submit_model, submit_revision, submit_adapter, submit_precision]
            for event in (submit_button.click, submit_model.submit):
                event(on_submit, form, [submit_status]).then(render_queue, None, [queue_view])
        demo.load(render_main, filters, [main, count, apart_table]).then(
            choices, None, [stages, model, bar_models, lin_model]).then(
            plot_params, [col], [p_params]).then(plot_lineage, [lin_model], [p_lin]).then(
            plot_bars, [bar_models], [p_bars])
    return demo


def submit_request(db_url: str, model: str | None, revision: str | None, adapter: str | None,
                   precision: str | None) -> str:
    """The Submit tab's button: the same validation and queueing as ``nearcoder submit``
    (:func:`eval_queue.submit`); the answer is a plain-text status line, and bad input only changes it."""
    try:
        request = eval_queue.submit(db_url, model or "", revision=revision, adapter=adapter, precision=precision or "")
    except eval_queue.QueueError as exc:
        return f"Not queued: {exc}"
    except SQLAlchemyError as exc:
        return f"Not queued: the store could not be written ({type(exc).__name__})"
    return (f"Queued request #{request.id}: {request.model} ({request.precision}, tasks {request.tasks}); "
            "it is pending until a worker takes it.")


def queue_table(db_url: str) -> pd.DataFrame:
    """The Submit tab's table: every request of the queue, read afresh."""
    return populate.queue_frame(eval_queue.list_requests(db_url))


def _selected(evt: gr.SelectData, shown: pd.DataFrame | None, column: str):
    """The ``column`` value of the clicked row: from the row's own values (right even after the browser
    re-sorted the table), else by row index into the DataFrame the server sent."""
    if shown is None or shown.empty or column not in shown.columns:
        return None
    pos = list(shown.columns).index(column)
    row_value = getattr(evt, "row_value", None)
    if isinstance(row_value, (list, tuple)) and len(row_value) > pos:
        return row_value[pos]
    row = evt.index[0] if isinstance(evt.index, (list, tuple)) else evt.index
    return shown.iloc[row][column] if row is not None and 0 <= row < len(shown) else None


def _about_tables() -> str:
    rows = ["| column | seed column | tasks | metric | what it measures |", "|---|---|---|---|---|"]
    for t in about.TASK_COLUMNS:
        rows.append(f"| `{t.col_name}` | {'yes' if t.seed else ''} | {', '.join(f'`{x}`' for x in t.tasks)} | "
                    f"`{t.metric}` | {t.description} |")
    rows += ["", "| task | description |", "|---|---|"]
    rows += [f"| `{k}` | {v} |" for k, v in about.TASK_TEXT.items()]
    rows += ["", "| metric | meaning |", "|---|---|"]
    rows += [f"| `{k}` | {v} |" for k, v in about.METRIC_TEXT.items()]
    return "\n".join(rows)

