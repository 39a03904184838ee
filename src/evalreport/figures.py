"""Charts of the report: vector SVG in the report's font, with alternative text from the data.

Each chart is drawn inside its report's chart style (`_chart_style`: report_templates/evalreport/
charts.mplstyle and the shipped fonts), which holds for that chart only; its words (axis marks,
alternative texts) come from the catalogue of words in the report's language.
"""

from __future__ import annotations

import base64
import contextlib
import io
from functools import lru_cache
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # no display; must precede pyplot

import matplotlib.pyplot as plt  # noqa: E402
import matplotlib.style  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib import font_manager  # noqa: E402
from matplotlib.ticker import FuncFormatter, MaxNLocator  # noqa: E402

from evalreport import words  # noqa: E402
from evalreport.exhibits import Exhibit, Look  # noqa: E402
from evalreport.formatting import Formatter  # noqa: E402

WIDTH_IN, HEIGHT_IN = 6.3, 3.1

# Colour-blind-safe (after Okabe and Ito), darkened so each has at least 3:1 contrast on white;
# lines also differ in style and marker, so meaning never rests on colour alone.
PALETTE = ["#0060A0", "#B84A00", "#007A5A", "#8E4C8E", "#595959", "#7A6200"]
LINESTYLES = ["-", "--", "-.", ":", (0, (5, 1, 1, 1)), (0, (3, 1, 1, 1, 1, 1))]
MARKERS = ["o", "s", "^", "D", "v", "P"]
HATCHES = ["", "//", "..", "xx", "\\\\", "--"]
TEXT_COLOUR = "#222222"
CONTEXT_COLOUR = "#767676"  # bars outside the programme's years: grey, hatched, still 4.5:1 on white
PLACEBO_COLOUR = "#949494"  # the placebos' lines and the edge of their band: 3:1 on white, behind the case's


@contextlib.contextmanager
def _chart_style(look: Look):
    """Draw in the report's chart style, in its fonts, for the duration of the block only."""
    register_fonts(look.fonts)
    with matplotlib.style.context(str(look.chart_style)):
        yield


@lru_cache(maxsize=4)
def register_fonts(fonts_dir: Path) -> None:
    """Make the report's shipped fonts known to matplotlib, so that charts are measured and drawn in them
    (matplotlib's font list is per process; adding the same files again changes nothing)."""
    for font in sorted(fonts_dir.glob("*.ttf")):
        font_manager.fontManager.addfont(str(font))


def _to_svg(fig: plt.Figure) -> str:
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None})
    plt.close(fig)
    return buffer.getvalue()


def _figure(svg: str, alt: str, caption: str, source: str, language: str, look: Look) -> Exhibit:
    encoded = base64.b64encode(svg.encode("utf-8")).decode("ascii")
    body = look.html("exhibits/chart.html.j2", svg_base64=encoded, alt=alt)
    return Exhibit("figure", caption, body, source, words.text(language, "document.source"), look)


def _number_axis(ax, fmt: Formatter, decimals: int = 0) -> None:
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: fmt.number(v, decimals)))
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))


def _new_axes() -> tuple[plt.Figure, plt.Axes]:
    return plt.subplots(figsize=(WIDTH_IN, HEIGHT_IN))


def _shade(ax, years: tuple[int, int] | None, language: str) -> None:
    """The programme's years as a light band, labelled."""
    if years:
        ax.axvspan(years[0] - 0.5, years[1] + 0.5, color="#EEF3F8", zorder=0)
        ax.text(years[0] - 0.4, 1.0, words.text(language, "labels.programme_years"), transform=ax.get_xaxis_transform(),
                va="top", ha="left", fontsize=8, color=TEXT_COLOUR)


def describe_change(subject: str, region: str, series: pd.Series, fmt: Formatter, decimals: int = 0) -> str:
    """One sentence from the data, e.g. 'Sysselsettingen i Vestre Toten økte fra 6 206 i 2010 til 6 539 i 2015.'

    Years without a value are skipped: the sentence names the first and last years that have one.
    """
    series = series.dropna()
    if series.empty:
        return ""
    a, b = series.iloc[0], series.iloc[-1]
    return words.text(fmt.language, "alt.change", subject=subject, region=region, verb=fmt.change_verb(a, b),
                      first_value=fmt.number(a, decimals), first_year=series.index[0],
                      last_value=fmt.number(b, decimals), last_year=series.index[-1])


def describe_index(region: str, index: pd.Series, fmt: Formatter) -> str:
    """'Indeksen for Gjøvik var 104,2 i 2017.', for the last year with a value."""
    index = index.dropna()
    if index.empty:
        return ""
    return words.text(fmt.language, "alt.index", region=region, value=fmt.number(index.iloc[-1], 1),
                      year=index.index[-1])


def describe_latest(region: str, series: pd.Series, fmt: Formatter, decimals: int = 0) -> str:
    """'I Oppland var den 2,1 i 2017.', the last year with a value."""
    series = series.dropna()
    if series.empty:
        return ""
    return words.text(fmt.language, "alt.latest", region=region, value=fmt.number(series.iloc[-1], decimals),
                      year=series.index[-1])


def describe_index_chart(subject: str, code: str, levels: pd.DataFrame, index: pd.DataFrame, names: dict[str, str],
                         fmt: Formatter) -> str:
    """Alternative text for a chart of indices: the municipality's (`code`) change in its own units, then each
    area's last index."""
    return " ".join([describe_change(subject, names[code], levels[code], fmt),
                     *(describe_index(names[c], index[c], fmt) for c in index.columns)])


def describe_rates_chart(subject: str, code: str, rates: pd.DataFrame, names: dict[str, str], fmt: Formatter,
                         decimals: int = 1) -> str:
    """Alternative text for a chart of rates: the municipality's (`code`) change, then each other area's last
    figure."""
    return " ".join([describe_change(subject, names[code], rates[code], fmt, decimals),
                     *(describe_latest(names[c], rates[c], fmt, decimals) for c in rates.columns[1:])])

def describe_stacked_funding(by_year: pd.DataFrame, by_funder: pd.DataFrame, fmt: Formatter) -> str:
    """Alternative text for the funding chart: the years, the first and last year's totals, each funder's sum."""
    first, last = by_year.index[0], by_year.index[-1]
    parts = ", ".join(f"{name} {fmt.mnok(amount)}" for name, amount in zip(by_funder["name"], by_funder["amount_nok"]))
    return words.text(fmt.language, "alt.stacked_funding", first=first, last=last, parts=parts,
                      total_first=fmt.mnok(by_year.loc[first, "total"]), total_last=fmt.mnok(by_year.loc[last, "total"]))


def _mark_break(ax, series_break: int | None, language: str) -> None:
    """A dotted line before the first year of a new statistics series, labelled, where a chart crosses it."""
    if not series_break:
        return
    ax.axvline(series_break - 0.5, color="#444444", linewidth=0.8, linestyle=":")
    ax.text(series_break - 0.4, 0.02, words.text(language, "labels.series_break", year=series_break),
            transform=ax.get_xaxis_transform(), fontsize=7.5, color=TEXT_COLOUR, va="bottom")


def plot_lines(series: pd.DataFrame, names: dict[str, str], fmt: Formatter, look: Look, caption: str, source: str,
               alt: str, y_label: str = "", decimals: int = 0, shade: tuple[int, int] | None = None,
               series_break: int | None = None) -> Exhibit:
    """One line per column (the first drawn strongest), labelled at its end, not only by colour."""
    lang = fmt.language
    with _chart_style(look):
        fig, ax = _new_axes()
        _shade(ax, shade, lang)
        _mark_break(ax, series_break, lang)
        for i, code in enumerate(series.columns):
            line = series[code].dropna()
            ax.plot(line.index, line.values, color=PALETTE[i % len(PALETTE)],
                    linestyle=LINESTYLES[i % len(LINESTYLES)], marker=MARKERS[i % len(MARKERS)],
                    markersize=3.5 if i else 4.5, linewidth=2.2 if i == 0 else 1.3, label=names.get(code, code),
                    zorder=3 if i == 0 else 2)
        _number_axis(ax, fmt, decimals)
        ax.set_ylabel(y_label)
        ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=8.5)
        svg = _to_svg(fig)
    return _figure(svg, alt, caption, source, lang, look)


def plot_stacked_bars(table: pd.DataFrame, labels: dict[str, str], fmt: Formatter, look: Look, caption: str,
                      source: str, alt: str, y_label: str = "", scale: float = 1.0, decimals: int = 0) -> Exhibit:
    """Stacked bars, one per row (year), one segment per column, told apart by colour and hatch."""
    with _chart_style(look):
        fig, ax = _new_axes()
        bottom = pd.Series(0.0, index=table.index)
        for i, column in enumerate(table.columns):
            values = table[column] / scale
            ax.bar(table.index, values, bottom=bottom, color=PALETTE[i % len(PALETTE)],
                   hatch=HATCHES[i % len(HATCHES)], edgecolor="white", linewidth=0.6,
                   label=labels.get(column, column), width=0.7)
            bottom += values
        _number_axis(ax, fmt, decimals)
        ax.set_ylabel(y_label)
        ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=8.5)
        svg = _to_svg(fig)
    return _figure(svg, alt, caption, source, fmt.language, look)


def plot_bars(values: pd.Series, fmt: Formatter, look: Look, caption: str, source: str, alt: str, y_label: str = "",
              highlight: tuple[int, int] | None = None, decimals: int = 0) -> Exhibit:
    """Vertical bars over years; bars inside `highlight` are solid, the others lighter and hatched."""
    with _chart_style(look):
        fig, ax = _new_axes()
        for year, value in values.items():
            inside = highlight is not None and highlight[0] <= year <= highlight[1]
            ax.bar(year, value, color=PALETTE[0] if inside else CONTEXT_COLOUR, hatch="" if inside else "//",
                   edgecolor="white", width=0.7)
        _number_axis(ax, fmt, decimals)
        ax.set_ylabel(y_label)
        if highlight:
            ax.text(highlight[0] - 0.4, 1.0, words.text(fmt.language, "labels.programme_years"),
                    transform=ax.get_xaxis_transform(), va="top", fontsize=8, color=TEXT_COLOUR)
        svg = _to_svg(fig)
    return _figure(svg, alt, caption, source, fmt.language, look)


def plot_placebo_gaps(treated: pd.Series, placebos: pd.DataFrame, labels: tuple[str, str], fmt: Formatter, look: Look,
                      caption: str, source: str, alt: str, y_label: str = "", shade: tuple[int, int] | None = None,
                      decimals: int = 0, series_break: int | None = None) -> Exhibit:
    """The treated unit's gap (strong, dark) drawn over every placebo's gap (thin, grey), as Abadie,
    Diamond & Hainmueller (2010) draw the test: an effect stands out only if its line leaves the
    grey band. `labels` names the two in the legend: (treated, placebos)."""
    with _chart_style(look):
        fig, ax = _new_axes()
        _shade(ax, shade, fmt.language)
        _mark_break(ax, series_break, fmt.language)
        ax.axhline(0, color="#444444", linewidth=0.8)
        for i, code in enumerate(placebos.columns):
            ax.plot(placebos.index, placebos[code].values, color=PLACEBO_COLOUR, linewidth=0.5, zorder=1,
                    label=labels[1] if i == 0 else None)
        ax.plot(treated.index, treated.values, color=PALETTE[0], linewidth=2.4, marker=MARKERS[0], markersize=4,
                zorder=3, label=labels[0])
        _number_axis(ax, fmt, decimals)
        ax.set_ylabel(y_label)
        ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=8.5)
        svg = _to_svg(fig)
    return _figure(svg, alt, caption, source, fmt.language, look)


def plot_event_study(gap: pd.Series, low: pd.Series, high: pd.Series, labels: tuple[str, str], fmt: Formatter,
                     look: Look, caption: str, source: str, alt: str, y_label: str = "",
                     shade: tuple[int, int] | None = None, decimals: int = 0,
                     series_break: int | None = None) -> Exhibit:
    """Yearly effects (the gap) with the range of the well-fitted placebos' gaps as a band; `labels`
    names (the gap, the band)."""
    with _chart_style(look):
        fig, ax = _new_axes()
        _shade(ax, shade, fmt.language)
        _mark_break(ax, series_break, fmt.language)
        ax.axhline(0, color="#444444", linewidth=0.8)
        ax.fill_between(low.index, low.values, high.values, facecolor="#DDDDDD", edgecolor=PLACEBO_COLOUR,
                        linewidth=0.8, label=labels[1], zorder=1)
        ax.plot(gap.index, gap.values, color=PALETTE[0], linewidth=2.2, marker=MARKERS[0], markersize=4, zorder=3,
                label=labels[0])
        _number_axis(ax, fmt, decimals)
        ax.set_ylabel(y_label)
        ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=8.5)
        svg = _to_svg(fig)
    return _figure(svg, alt, caption, source, fmt.language, look)


def plot_forest(estimates: list[tuple[str, float, float | None, float | None, bool]], fmt: Formatter, look: Look,
                caption: str, source: str, alt: str, x_label: str = "") -> Exhibit:
    """A dot per row (name, estimate, low, high, clear) at its estimate, top to bottom, its interval as a
    line where bounded, a line at zero; a filled dot where `clear`, an open one where not."""
    with _chart_style(look):
        fig, ax = plt.subplots(figsize=(WIDTH_IN, max(1.6, 0.32 * len(estimates) + 0.9)))
        colour = PALETTE[0]
        for y, (_, estimate, low, high, clear) in enumerate(reversed(estimates)):
            if low is not None and high is not None:
                ax.plot([low, high], [y, y], color=colour, linewidth=1.4, solid_capstyle="butt")
            ax.plot([estimate], [y], marker="o", markersize=6, color=colour,
                    markerfacecolor=colour if clear else "white", markeredgewidth=1.4, linestyle="none")
        ax.axvline(0, color=CONTEXT_COLOUR, linewidth=0.8)
        ax.set_yticks(range(len(estimates)), [name for name, *_ in reversed(estimates)])
        ax.set_ylim(-0.7, len(estimates) - 0.3)
        ax.set_xlabel(x_label)
        ax.grid(axis="y", visible=False)
        ax.grid(axis="x", visible=True)
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _pos: fmt.signed(v, 0)))
        svg = _to_svg(fig)
    return _figure(svg, alt, caption, source, fmt.language, look)


def describe_gap(treated: pd.Series, synthetic: pd.Series, region: str, fmt: Formatter) -> str:
    """Alternative text for the treated-against-synthetic chart: where the two lines are at the ends."""
    return words.text(fmt.language, "alt.gap", first=int(treated.index[0]), last=int(treated.index[-1]), region=region,
                      a=fmt.number(treated.iloc[0], 1), b=fmt.number(treated.iloc[-1], 1),
                      c=fmt.number(synthetic.iloc[0], 1), d=fmt.number(synthetic.iloc[-1], 1))


def describe_placebos(treated: pd.Series, placebos: pd.DataFrame, start: int, region: str, fmt: Formatter) -> str:
    """Alternative text for the placebo chart: the case's mean departure after the start, and the placebos'."""
    after = [t for t in treated.index if t >= start]
    spread = placebos.loc[after].mean()
    return words.text(fmt.language, "alt.placebos", region=region, own=fmt.number(float(treated.loc[after].mean()), 1),
                      start=start, count=len(placebos.columns), low=fmt.number(float(spread.min()), 1),
                      high=fmt.number(float(spread.max()), 1))


def describe_band(gap: pd.Series, low: pd.Series, high: pd.Series, start: int, end: int, fmt: Formatter) -> str:
    """Alternative text for the yearly chart: the years whose departure lies outside the placebos' band."""
    outside = [int(t) for t in gap.index if start <= t <= end and not low[t] <= gap[t] <= high[t]]
    if not outside:
        return words.text(fmt.language, "alt.band_inside")
    years = fmt.join([str(t) for t in outside], words.text(fmt.language, "words.and"))
    return words.text(fmt.language, "alt.band_outside", years=years)
