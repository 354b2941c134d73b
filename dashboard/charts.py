"""Chart builders: each takes frames from tracker logic and returns a Plotly figure.

Rules every chart keeps: a title that says what it shows; statuses coloured by
``tracker.status.STATUS_COLOURS`` (one Okabe-Ito colour per status, the same on every chart);
the status also written as text (a label, an axis or a legend entry next to the mark), never
colour alone; hover detail; stored text HTML-escaped (Plotly renders some HTML in labels).
"""

from __future__ import annotations

import datetime as dt
import math
import textwrap

import pandas as pd
import plotly.graph_objects as go

from dashboard.safe_text import plot_text
from tracker.dates import duration, long_date
from tracker.models import split_list
from tracker.status import FINDING_LABEL, RESPONSE_COLOURS, STATUS_COLOURS, STATUS_ORDER

FALLBACK_COLOUR = "#777777"
#: WCAG's minimum contrast for text: every label on a bar is black or white, whichever reaches it.
MIN_TEXT_CONTRAST = 4.5
KIND_SYMBOLS = {"commitment": "circle", "recommendation": "square", "finding": "diamond", "call": "triangle-up"}
FONT = dict(family="Source Sans Pro, Arial, sans-serif", size=13)
# An estimate of the plotting width, used only to decide whether a bar segment is wide enough
# for its full "3 delivered" label or only its number: a 390 px phone's, so labels that fit
# there fit everywhere.
_ASSUMED_PLOT_PX = 330
#: Height given to each bar with the label above it (bar, label, gap), in px.
_ROW_PX = 58
_LABEL_ROW_PX = 84


#: A fill pattern per status, so bar segments too narrow for their "3 delivered" label still
#: differ by more than colour (the legend shows the pattern too). Statuses that share a colour
#: (delivered / implemented) share a pattern: they mean the same on a chart.
STATUS_PATTERNS = {
    "not yet assessed": "",
    "not started": ".",
    "in progress": "/",
    "stalled": "-",
    "partly delivered": "x",
    "delivered": "",
    "implemented": "",
    "not delivered": "\\",
    "not implemented": "\\",
    "withdrawn": "|",
    "superseded": "|",
    "insufficient evidence": "+",
    "finding (no status)": "",
}


def colour(status: str) -> str:
    return STATUS_COLOURS.get(status, FALLBACK_COLOUR)


def status_marker(status: str, *, line: str = "white") -> dict:
    """Bar styling for ``status``: its colour, its pattern (faint, so labels stay legible)."""
    return dict(
        color=colour(status),
        line=dict(color=line, width=1),
        # "overlay" draws the pattern over the status colour instead of replacing it.
        pattern=dict(shape=STATUS_PATTERNS.get(status, ""), fillmode="overlay", fgcolor="black",
                     fgopacity=0.3, size=8, solidity=0.15),
    )


def _luminance(colour: str) -> float:
    """WCAG 2 relative luminance of a ``#rrggbb`` colour."""
    channels = [int(colour.lstrip("#")[i:i + 2], 16) / 255 for i in (0, 2, 4)]
    r, g, b = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(first: str, second: str) -> float:
    """WCAG 2 contrast ratio of two ``#rrggbb`` colours (1 to 21)."""
    light, dark = sorted((_luminance(first), _luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def text_colour(fill: str) -> str:
    """Black or white, whichever contrasts more with ``fill`` (white text on the Okabe-Ito
    orange, green and pink was 3.0 to 3.8:1; black on them is 5.5 to 7:1)."""
    return "#ffffff" if contrast_ratio(fill, "#ffffff") > contrast_ratio(fill, "#000000") else "#000000"


def config(filename: str) -> dict:
    """The Plotly toolbar: download as PNG under a meaningful file name, no Plotly logo."""
    return {
        "displaylogo": False,
        "toImageButtonOptions": {"format": "png", "filename": filename, "scale": 2},
        "modeBarButtonsToRemove": ["select2d", "lasso2d"],
    }


#: Characters per line of a chart's title (15 px bold) and of its smaller lines (11-12 px):
#: what a 390 px phone shows without cutting them, measured in Chromium with its wide fallback
#: font (Plotly never wraps a title by itself).
TITLE_CHARS, NOTE_CHARS = 42, 58
#: The title's font size, and the room each of its lines takes: Plotly spaces a title's lines
#: 1.3 em of the title's own font, the smaller subtitle and credit lines too. (Left to Plotly,
#: the title was 18 px: 46 characters ran off a 390 px phone, and the budget of 17 px a line
#: put the first line above the figure's top edge, cut off.)
TITLE_PX = 15
TITLE_LINE_PX = 1.3 * TITLE_PX
#: Where the first line of a title sits: Plotly puts the baseline of a title of several lines
#: at the top padding (not its top, as "yanchor: top" says), so the padding holds room above
#: the title and the first line's letters.
_TITLE_BASELINE_PX = 10 + math.ceil(0.95 * TITLE_PX)
#: Room between the title's last line and the plot.
_BELOW_TITLE_PX = 14
#: The top margin ``height`` was given with in the builders below (a one-line title).
_BASE_TOP_PX = 50


def _lines(text: str, width: int) -> list[str]:
    return textwrap.wrap(text, width=width, break_long_words=True, break_on_hyphens=False) or [""]


def _title_top_px(lines: int) -> int:
    """The top margin that holds a title of ``lines`` lines whole, with room above and below."""
    return math.ceil(_TITLE_BASELINE_PX + TITLE_LINE_PX * (lines - 1) + 5 + _BELOW_TITLE_PX)


def _layout(
    fig: go.Figure, title: str, *, height: int, subtitle: str | None = None, legend_title: str = "Status"
) -> go.Figure:
    """Title ``fig`` and size it: ``height`` is the figure's height with a one-line title (the
    plot keeps the same room however many lines the title wraps to)."""
    title_lines = _lines(title, TITLE_CHARS)
    text = "<br>".join(f"<b>{line}</b>" for line in title_lines)
    note_lines = _lines(subtitle, NOTE_CHARS) if subtitle else []
    if note_lines:
        text += "".join(f"<br><span style='font-size:12px'>{line}</span>" for line in note_lines)
    top = _title_top_px(len(title_lines) + len(note_lines))
    fig.update_layout(
        title=dict(text=text, x=0, xanchor="left", y=1, yref="container", yanchor="top",
                   pad=dict(t=_TITLE_BASELINE_PX), font=dict(size=TITLE_PX)),
        height=height - _BASE_TOP_PX + top,
        font=FONT,
        margin=dict(l=10, r=20, t=top, b=40),
        legend=dict(title=dict(text=legend_title), traceorder="normal"),
        hoverlabel=dict(namelength=-1),
        plot_bgcolor="white",
    )
    return fig


def credited(fig: go.Figure, credit: str | None) -> go.Figure:
    """Add ``credit`` (where the chart comes from, and its date: plain text) as a small line
    under the title of ``fig``, which is changed and returned; a downloaded image keeps it."""
    if not credit:
        return fig
    lines = _lines(plot_text(credit), NOTE_CHARS + 6)
    room = math.ceil(TITLE_LINE_PX * len(lines))
    fig.update_layout(
        title_text=fig.layout.title.text + "".join(
            f"<br><span style='font-size:11px;color:#555555'>{line}</span>" for line in lines),
        margin_t=(fig.layout.margin.t or _BASE_TOP_PX) + room,
        height=fig.layout.height + room,
    )
    return fig


def _whole_numbers(fig: go.Figure, top: float, *, axis: str = "x") -> None:
    """Counts are whole: no "0.5 items" ticks when the numbers are small."""
    if top <= 10:
        getattr(fig, f"update_{axis}axes")(tick0=0, dtick=1, rangemode="tozero")


def _empty(title: str, message: str) -> go.Figure:
    fig = go.Figure()
    fig.add_annotation(text=message, showarrow=False, x=0.5, y=0.5, xref="paper", yref="paper",
                       font=dict(size=15))
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return _layout(fig, title, height=200)


def _labels_above_bars(fig: go.Figure, rows: list[str], texts: list[str], *, bar_px: float) -> None:
    """Write each row's label above its bar, left-aligned, instead of on a y axis: on a 390 px
    phone an axis of names left the bars a sliver of the width."""
    fig.update_yaxes(showticklabels=False, title_text=None)
    # Added at once: add_annotation re-validates every annotation already there, which made a
    # 25-bar chart cost a second.
    fig.layout.annotations += tuple(
        dict(text=text, x=0, xref="paper", xanchor="left", y=row, yref="y", yanchor="bottom",
             yshift=bar_px / 2 + 1, showarrow=False, align="left", font=dict(size=12, color="#222222"))
        for row, text in zip(rows, texts))


def _legend_below(fig: go.Figure) -> None:
    """The legend as a row under the chart, which wraps on a narrow screen instead of taking
    a third of its width."""
    margin = fig.layout.margin
    plot_px = max(fig.layout.height - (margin.t or 0) - (margin.b or 0), 60)
    # ~58 px below the plot clears the tick labels and the axis title; Plotly grows the bottom
    # margin to fit the legend however many lines it wraps to.
    fig.update_layout(legend=dict(orientation="h", yanchor="top", y=-58 / plot_px, x=0, xanchor="left"))


def status_bars(
    card: pd.DataFrame, *, title: str, group_title: str, subtitle: str | None = None, max_groups: int = 25
) -> go.Figure:
    """Horizontal stacked bars, one per group, one segment per status; each group's name and
    total written above its bar, the legend below.

    ``card`` has ``group``, ``status_label``, ``n`` (``tracker.figures.scorecard``). Segments are
    labelled "3 delivered" when wide enough and "3" otherwise; the legend and hover name every
    status. At most ``max_groups`` groups, the largest, are drawn (the subtitle says so).
    """
    if card.empty:
        return _empty(title, "Nothing to count yet")
    totals = card.groupby("group")["n"].sum().sort_values(ascending=False)
    shown = totals.head(max_groups)
    if len(totals) > max_groups:
        note = f"The {max_groups} largest of {len(totals)} shown"
        subtitle = f"{subtitle} · {note}" if subtitle else note
    card = card[card["group"].isin(shown.index)]
    widest = float(shown.max()) or 1.0
    fig = go.Figure()
    groups = [plot_text(g, limit=40) for g in shown.index[::-1]]  # largest at the top
    for status in [s for s in STATUS_ORDER if s in set(card["status_label"])] + sorted(
        set(card["status_label"]) - set(STATUS_ORDER)
    ):
        part = card[card["status_label"] == status].set_index("group")["n"]
        counts = [int(part.get(g, 0)) for g in shown.index[::-1]]
        labels = []
        for count in counts:
            full = f"{count} {status}"
            fits = count / widest * _ASSUMED_PLOT_PX > len(full) * 7.5
            labels.append("" if count == 0 else (full if fits else str(count)))
        fill = colour(status)
        fig.add_trace(
            go.Bar(
                name=status, y=groups, x=counts, orientation="h", marker=status_marker(status),
                text=labels, textposition="inside", insidetextanchor="middle",
                insidetextfont=dict(color=text_colour(fill)),
                hovertemplate="%{y}<br>" + plot_text(status) + ": <b>%{x}</b><extra></extra>",
            )
        )
    fig.update_layout(barmode="stack", uniformtext=dict(minsize=10, mode="hide"), bargap=0.45)
    fig.update_xaxes(title_text="Number of items", gridcolor="#eeeeee", nticks=6)
    _whole_numbers(fig, widest)
    bar_px = _ROW_PX * (1 - 0.45)
    _labels_above_bars(fig, groups, [f"<b>{g}</b> · {int(n)}" for g, n in zip(groups, shown.values[::-1])],
                       bar_px=bar_px)
    fig.update_yaxes(range=[-0.6, len(groups) - 0.1])
    statuses = card["status_label"].nunique()  # the legend below needs room too
    _layout(fig, title, height=150 + _ROW_PX * len(shown) + 22 * ((statuses + 2) // 3), subtitle=subtitle)
    _legend_below(fig)
    return fig


def status_totals(totals: pd.DataFrame, *, title: str, subtitle: str | None = None) -> go.Figure:
    """One bar per status (``status_label``, ``n``), the status written on the axis and the
    count at the bar's end."""
    if totals.empty:
        return _empty(title, "Nothing to count yet")
    rows = totals.iloc[::-1]
    fills = [colour(s) for s in rows["status_label"]]
    fig = go.Figure(
        go.Bar(
            y=[plot_text(s) for s in rows["status_label"]], x=rows["n"], orientation="h",
            marker=dict(color=fills, line=dict(color="#444444", width=0.5)),
            text=rows["n"], textposition="outside", cliponaxis=False,
            hovertemplate="%{y}: <b>%{x}</b> items<extra></extra>", showlegend=False,
        )
    )
    fig.update_xaxes(title_text="Number of items", gridcolor="#eeeeee")
    _whole_numbers(fig, float(rows["n"].max()))
    fig.update_yaxes(title_text=None, automargin=True)
    return _layout(fig, title, height=120 + 32 * len(rows), subtitle=subtitle)


def open_items(
    frame: pd.DataFrame, *, reference_date: dt.date, title: str, subtitle: str | None = None,
    names: dict[str, str] | None = None,
) -> go.Figure:
    """Each open item as a bar from the date it was made to ``reference_date``, its deadline
    marked; above each bar its title, and its status and how long it has been open or overdue.

    ``frame`` needs ``id``, ``title``, ``status_label``, ``made_label`` and ``deadline_label``
    and either ``made`` or a ``made_start`` the caller joined; plus ``days_overdue``.
    """
    if frame.empty:
        return _empty(title, "No open items")
    frame = frame.iloc[::-1]  # first row at the top
    names = names or {}
    fig = go.Figure()
    end = pd.Timestamp(reference_date)
    row_labels: list[tuple[str, str]] = []
    for status in [s for s in STATUS_ORDER if s in set(frame["status_label"])]:
        part = frame[frame["status_label"] == status]
        starts = pd.to_datetime(part["made"])
        rows = [plot_text(f"{t}", limit=48) for t in part["title"]]
        for row_title, row in zip(rows, part.itertuples(index=False)):
            label = f"{plot_text(status)} · open {duration((reference_date - row.made).days)}"
            if pd.notna(row.days_overdue):
                label += f" · <b>{duration(int(row.days_overdue))} past deadline</b>"
            row_labels.append((row_title, f"<b>{row_title}</b><br>{label}"))
        fig.add_trace(
            go.Bar(
                name=status, orientation="h", base=starts, x=(end - starts).dt.total_seconds() * 1000,
                y=rows, marker=status_marker(status, line="#444444"),
                customdata=list(zip([plot_text(t) for t in part["title"]], part["made_label"],
                                    [d or "none" for d in part["deadline_label"]],
                                    [plot_text(names.get(o, o)) for o in part.get("owners", [""] * len(part))])),
                hovertemplate=(
                    "<b>%{customdata[0]}</b><br>made %{customdata[1]} · deadline %{customdata[2]}"
                    "<br>owner %{customdata[3]}<br>" + plot_text(status) + "<extra></extra>"
                ),
            )
        )
    deadlines = frame[frame["deadline_end"].notna()] if "deadline_end" in frame else frame.iloc[0:0]
    if not deadlines.empty:
        fig.add_trace(
            go.Scatter(
                name="deadline", mode="markers", x=pd.to_datetime(deadlines["deadline_end"]),
                y=[plot_text(f"{t}", limit=48) for t in deadlines["title"]],
                marker=dict(symbol="line-ns", size=18, line=dict(width=3, color="black"), color="black"),
                hovertemplate="deadline %{x|%d %b %Y}<extra></extra>",
            )
        )
    fig.update_layout(barmode="overlay", bargap=0.55)
    order = [plot_text(f"{t}", limit=48) for t in frame["title"]]
    fig.update_yaxes(categoryorder="array", categoryarray=order, range=[-0.6, len(order) - 0.05])
    _labels_above_bars(fig, [r for r, _ in row_labels], [t for _, t in row_labels],
                       bar_px=_LABEL_ROW_PX * (1 - 0.55))
    fig.update_xaxes(type="date", title_text=f"From the date made to {long_date(reference_date)}",
                     gridcolor="#eeeeee", nticks=6)
    _layout(fig, title, height=190 + _LABEL_ROW_PX * len(frame), subtitle=subtitle, legend_title="Status / mark")
    _legend_below(fig)
    return fig


def chain_timeline(
    chain, *, names: dict[str, str] | None = None, as_of: dt.date | None = None, max_items: int = 30,
    current: str | None = None,
) -> go.Figure:
    """A chain across the years: one row per item at the date it was made, oldest at the top.

    Each marker's shape is the item's kind and its colour its status, and the kind and status
    are written beside it. Arrows join linked items; each row's label says what the item does
    to the others ("contradicts 'Home Office commitment to...'"), so no label sits on a line.
    ``current`` (an item page's own item) is ringed and its row marked "this item".
    """
    items = chain.items
    links = chain.links
    names = names or {}
    note = ""
    if len(items) > max_items:  # a chain that large is unreadable as one picture: its oldest part
        note = f" · the {max_items} oldest of its {len(items)} items are drawn"
        items = items.head(max_items)
        kept = set(items["id"])
        links = links[links["source_id"].isin(kept) & links["target_id"].isin(kept)]
    n = len(items)
    ys = list(range(n))[::-1]  # oldest at the top
    y_of = dict(zip(items["id"], ys))
    x_of = dict(zip(items["id"], pd.to_datetime(items["made"])))
    titles = dict(zip(items["id"], items["title"]))
    first, last = pd.Timestamp(items["made"].iloc[0]), pd.Timestamp(items["made"].iloc[-1])
    span = last - first
    pad_left = max(span * 0.06, pd.Timedelta(days=45))
    pad_right = max(span * 0.3, pd.Timedelta(days=200))
    # Labels go right of a marker, except in the last part of the time line, where they would
    # run off the chart: there they go left.
    label_left_after = first + span * 0.55
    fig = go.Figure()
    fig.layout.annotations += tuple(  # at once, not one add_annotation each (see _labels_above_bars)
        dict(x=x_of[link.target_id], y=y_of[link.target_id], ax=x_of[link.source_id], ay=y_of[link.source_id],
             xref="x", yref="y", axref="x", ayref="y", text="", showarrow=True, arrowhead=2,
             arrowsize=1.1, arrowwidth=1.3, arrowcolor="#9a9a9a", standoff=11, startstandoff=11)
        for link in links.itertuples(index=False))
    for status in [s for s in STATUS_ORDER if s in set(items["status_label"])]:
        part = items[items["status_label"] == status]
        fig.add_trace(
            go.Scatter(
                name=status, mode="markers+text",
                x=pd.to_datetime(part["made"]), y=[y_of[i] for i in part["id"]],
                marker=dict(size=17, color=colour(status), line=dict(color="#333333", width=1),
                            symbol=[KIND_SYMBOLS.get(k, "circle") for k in part["kind"]]),
                text=[f"  {k}  " if status == FINDING_LABEL else f"  {k} · {plot_text(status)}  "
                      for k in part["kind"]],
                textposition=["middle left" if pd.Timestamp(m) > label_left_after and span > pd.Timedelta(0)
                              else "middle right" for m in part["made"]],
                textfont=dict(size=12, color="#222222"), cliponaxis=False,
                customdata=list(zip([plot_text(t) for t in part["title"]], part["made_label"], part["kind"],
                                    [plot_text("; ".join(names.get(m, m) for m in split_list(str(ms))))
                                     for ms in part["makers"]])),
                hovertemplate=("<b>%{customdata[0]}</b><br>%{customdata[2]} made %{customdata[1]}"
                               " by %{customdata[3]}<br>status: " + plot_text(status) + "<extra></extra>"),
            )
        )
    if current in y_of:
        fig.add_trace(go.Scatter(
            name="this item", mode="markers", x=[x_of[current]], y=[y_of[current]], hoverinfo="skip",
            marker=dict(size=31, symbol="circle-open", color="#000000", line=dict(width=2.5)),
        ))
    relations: dict[str, list[str]] = {}
    for link in links.itertuples(index=False):
        relations.setdefault(link.source_id, []).append(
            f"{link.kind} “{plot_text(titles[link.target_id], limit=28)}”"
        )
    tick_text = []
    for row in items.itertuples(index=False):
        room = max(20, 50 - len(str(row.made_label)))  # one line on a 390 px phone
        label = f"<b>{plot_text(row.made_label)}</b> · {plot_text(row.title, limit=room)}"
        if row.id == current:
            label = f"<b>this item ▶ {plot_text(row.made_label)} · {plot_text(row.title, limit=room - 14)}</b>"
        said = relations.get(row.id)
        if said:
            text = "; ".join(said)
            if len(said) > 1:
                text = said[0] + f" and {len(said) - 1} more"
            label += f"<br><span style='font-size:11px;color:#555555'>↳ {text}</span>"
        tick_text.append(label)
    # Each row's label sits above its marker across the chart's width, not on a y axis that
    # left a phone's time line a sliver (as the bar charts do).
    fig.update_yaxes(tickvals=ys, showticklabels=False, range=[-0.6, n - 0.05],
                     showgrid=True, gridcolor="#f2f2f2", zeroline=False)
    fig.layout.annotations += tuple(
        dict(text=label, x=0, xref="paper", xanchor="left", y=y, yref="y", yanchor="bottom", yshift=11,
             showarrow=False, align="left", font=dict(size=12, color="#222222"))
        for y, label in zip(ys, tick_text))
    fig.update_xaxes(type="date", range=[first - pad_left, last + pad_right], gridcolor="#eeeeee",
                     title_text="Date made")
    subtitle = "● commitment  ■ recommendation  ◆ finding  ▲ call · arrows run from an item to the one it answers, repeats or contradicts"
    if as_of:
        subtitle += f" · as of {long_date(as_of)}"
    subtitle += note
    fig = _layout(fig, plot_text(chain.title, limit=110), height=230 + 84 * n, subtitle=subtitle,
                  legend_title="Status: ")
    # The legend goes under the chart so the time line gets the full width.
    fig.update_layout(legend=dict(orientation="h", yanchor="top", y=-0.18, x=0), margin=dict(b=90))
    return fig


def response_waiting(frame: pd.DataFrame, *, names: dict[str, str], title: str) -> go.Figure:
    """Recommendations awaiting a response, counted per addressee (``response_gaps`` rows)."""
    if frame.empty:
        return _empty(title, "Every recommendation has a response")
    owners = pd.Series([o for text in frame["owners"].fillna("").tolist() for o in split_list(text)], dtype=object)
    counts = owners.map(lambda o: names.get(o, o)).value_counts().sort_values()
    fill = RESPONSE_COLOURS["awaiting response"]
    fig = go.Figure(
        go.Bar(y=[plot_text(g, limit=40) for g in counts.index], x=counts.values, orientation="h",
               marker_color=fill, marker_line=dict(color="#444444", width=0.5),
               text=[f"{v} awaiting response" for v in counts.values], textposition="auto",
               insidetextfont=dict(color=text_colour(fill)),
               hovertemplate="%{y}: <b>%{x}</b> awaiting response<extra></extra>", showlegend=False)
    )
    fig.update_xaxes(title_text="Recommendations with no response", gridcolor="#eeeeee")
    _whole_numbers(fig, float(counts.max()))
    fig.update_layout(bargap=0.45)
    names_shown = [plot_text(g, limit=40) for g in counts.index]
    _labels_above_bars(fig, names_shown, [f"<b>{g}</b>" for g in names_shown], bar_px=_ROW_PX * 0.55)
    fig.update_yaxes(range=[-0.6, len(names_shown) - 0.1])
    fig.update_xaxes(nticks=6)
    return _layout(fig, title, height=140 + _ROW_PX * len(counts))


EVENT_PATTERNS = {"made": "", "assessed": "/", "deadline set": "x", "deadline moved": "-",
                  "deadline falls due": "."}
EVENT_FILLS = {"made": "#0072B2", "assessed": "#56B4E9", "deadline set": "#999999",
               "deadline moved": "#E69F00", "deadline falls due": "#D55E00"}


def events_per_year(counts: pd.DataFrame, *, title: str, subtitle: str | None = None,
                    until: dt.date | None = None) -> go.Figure:
    """Events per year, one bar per event type (``timeline.events_per_year``): each type has
    its own fill pattern as well as colour, and every bar carries its count."""
    if counts.empty:
        return _empty(title, "No dated events")
    fig = go.Figure()
    for event in [e for e in EVENT_FILLS if e in set(counts["event"])]:
        part = counts[counts["event"] == event]
        fig.add_trace(
            go.Bar(name=event, x=part["year"].astype(int), y=part["n"], text=part["n"], textposition="outside",
                   marker=dict(color=EVENT_FILLS[event], pattern=dict(shape=EVENT_PATTERNS[event]),
                               line=dict(color="#333333", width=0.5)),
                   cliponaxis=False,
                   hovertemplate="%{x}: <b>%{y}</b> " + event + "<extra></extra>")
        )
    fig.update_layout(barmode="group")
    # A year axis, not categories: years in order, and a year without events shows as a gap
    # (categories were ordered by the first trace's years, and empty years vanished).
    fig.update_xaxes(title_text="Year", type="linear", dtick=1 if until is None or
                     until.year - int(counts["year"].min()) <= 10 else 2, tickformat="d")
    if until is not None:  # run to the reading date: silent years since the last event show as such
        fig.update_xaxes(range=[int(counts["year"].min()) - 0.6, max(until.year, int(counts["year"].max())) + 0.6])
    fig.update_yaxes(title_text="Number of events", gridcolor="#eeeeee")
    return _layout(fig, title, height=420, subtitle=subtitle, legend_title="Event")


def events_strip(days: pd.DataFrame, *, title: str, subtitle: str | None = None,
                 until: dt.date | None = None) -> go.Figure:
    """Events on a time axis, one lane per event type (``timeline.events_by_day`` rows).

    One mark per day, type and status: its size and label the number of events, its colour the
    status recorded (assessments) or the item's status (other events). Within a lane each
    status keeps its own row, so marks on the same day sit side by side, never on top.
    """
    if days.empty:
        return _empty(title, "No dated events")
    trace_type = go.Scattergl if len(days) > 3000 else go.Scatter
    fig = go.Figure()
    lanes = [e for e in EVENT_FILLS if e in set(days["event"])]
    lane_y = {event: len(lanes) - 1 - n for n, event in enumerate(lanes)}  # first lane on top
    statuses = [s for s in STATUS_ORDER if s in set(days["status_label"])]
    step = 0.8 / max(len(statuses), 1)
    offset = {s: (len(statuses) - 1) / 2 * step - n * step for n, s in enumerate(statuses)}
    biggest = max(int(days["n"].max()), 1)
    for status in statuses:
        part = days[days["status_label"] == status]
        sizes = [9 + 14 * (n / biggest) ** 0.5 for n in part["n"]]
        fig.add_trace(
            trace_type(
                name=status, mode="markers+text", x=pd.to_datetime(part["date"]),
                y=[lane_y[e] + offset[status] for e in part["event"]],
                marker=dict(size=sizes, color=colour(status), line=dict(color="#333333", width=0.7)),
                text=[str(n) if n > 1 else "" for n in part["n"]], textposition="middle right",
                textfont=dict(size=11),
                # One ready-made string per mark: plotly validates nested customdata lists
                # element by element, which took seconds for a few thousand marks.
                hovertext=[
                    f"{event} {when}: <b>{plot_text(kinds)}</b> · {plot_text(status)}<br>{plot_text(titles, limit=240)}"
                    for event, when, kinds, titles in zip(part["event"], part["date_label"], part["kinds"],
                                                          part["titles"])
                ],
                hovertemplate="%{hovertext}<extra></extra>",
            )
        )
    # Every status row is labelled with its status (so no legend is needed), and every lane
    # carries its event type as a heading.
    tickvals, ticktext = [], []
    for event, y in lane_y.items():
        for status in statuses:
            tickvals.append(y + offset[status])
            ticktext.append(plot_text(status))
        fig.add_annotation(x=0, xref="paper", xanchor="left", y=y + 0.5, yanchor="top",
                           text=f"<b>{plot_text(event)}</b>", showarrow=False, font=dict(size=12))
    fig.update_yaxes(tickvals=tickvals, ticktext=ticktext, tickfont=dict(size=11), title_text=None,
                     automargin=True, range=[-0.55, len(lanes) - 0.3], showgrid=True,
                     gridcolor="#f4f4f4", zeroline=False)
    for y in range(len(lanes) - 1):  # a rule between lanes
        fig.add_hline(y=y + 0.5, line=dict(color="#bbbbbb", width=1))
    fig.update_xaxes(type="date", title_text="Date", gridcolor="#eeeeee", nticks=6)
    if until is not None:  # the axis runs to the reading date, so a quiet stretch since shows
        dates = pd.to_datetime(days["date"])
        first, last = dates.min(), max(dates.max(), pd.Timestamp(until))
        pad = max((last - first) * 0.03, pd.Timedelta(days=20))
        fig.update_xaxes(range=[first - pad, last + pad])
    fig.update_layout(showlegend=False)
    height = max(300, 150 + len(lanes) * (34 + 19 * len(statuses)))
    return _layout(fig, title, height=height, subtitle=subtitle)
