"""Charts of the report: vector SVG in the report's font, with alternative text from the data."""

from __future__ import annotations

import base64
import html
import io
from functools import lru_cache

import matplotlib

matplotlib.use("Agg")  # no display; must precede pyplot

import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib import font_manager  # noqa: E402
from matplotlib.ticker import FuncFormatter, MaxNLocator  # noqa: E402

from pathlib import Path  # noqa: E402

from evalreport import texts  # noqa: E402
from evalreport.exhibits import Exhibit  # noqa: E402
from evalreport.formatting import Formatter  # noqa: E402

FONT_FAMILY = "Source Sans Pro"
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


@lru_cache(maxsize=4)
def configure_matplotlib(fonts_dir: Path) -> None:
    """Use the report's shipped font (from `fonts_dir`) and a quiet, reproducible style."""
    for font in sorted(fonts_dir.glob("*.ttf")):
        font_manager.fontManager.addfont(str(font))
    plt.rcParams.update({
        "font.family": [FONT_FAMILY, "sans-serif"],
        "font.size": 9,
        "axes.edgecolor": "#666666",
        "axes.labelcolor": TEXT_COLOUR,
        "xtick.color": TEXT_COLOUR,
        "ytick.color": TEXT_COLOUR,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.grid": True,
        "axes.grid.axis": "y",
        "grid.color": "#DDDDDD",
        "grid.linewidth": 0.6,
        "legend.frameon": False,
        # Text stays text: WeasyPrint sets it in the shipped font, as in the body, and the HTML twin,
        # which puts the SVG in the page, in its embedded subset of it. Measured: 0.2 s less per
        # build than glyph paths.
        "svg.fonttype": "none",
        "svg.hashsalt": "evalreport",  # fixed ids: the same chart gives the same bytes
    })


def _to_svg(fig: plt.Figure) -> str:
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None})
    plt.close(fig)
    return buffer.getvalue()


def _figure(svg: str, alt: str, caption: str, source: str, language: str) -> Exhibit:
    encoded = base64.b64encode(svg.encode("utf-8")).decode("ascii")
    body = f'<img class="er-chart" src="data:image/svg+xml;base64,{encoded}" alt="{html.escape(alt, quote=True)}">'
    return Exhibit("figure", caption, body, source, texts.fixed(language)["source"])


def _number_axis(ax, fmt: Formatter, decimals: int = 0) -> None:
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: fmt.number(v, decimals)))
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))


def _new_axes() -> tuple[plt.Figure, plt.Axes]:
    return plt.subplots(figsize=(WIDTH_IN, HEIGHT_IN))


def _shade(ax, years: tuple[int, int] | None, language: str) -> None:
    """The programme's years as a light band, labelled."""
    if years:
        ax.axvspan(years[0] - 0.5, years[1] + 0.5, color="#EEF3F8", zorder=0)
        ax.text(years[0] - 0.4, 1.0, texts.label(language, "programme_years"), transform=ax.get_xaxis_transform(),
                va="top", ha="left", fontsize=8, color=TEXT_COLOUR)


def describe_change(subject: str, region: str, series: pd.Series, fmt: Formatter, decimals: int = 0) -> str:
    """One sentence from the data, e.g. 'Sysselsettingen i Vestre Toten økte fra 6 206 i 2010 til 6 539 i 2015.'

    Years without a value are skipped: the sentence names the first and last years that have one.
    """
    series = series.dropna()
    if series.empty:
        return ""
    first, last = series.index[0], series.index[-1]
    a, b = series.iloc[0], series.iloc[-1]
    verb = texts.change_verb(fmt.language, a, b)
    words = {"nb": ("i", "fra", "til"), "nn": ("i", "frå", "til"), "en": ("in", "from", "to")}[fmt.language]
    return (f"{subject} {words[0]} {region} {verb} {words[1]} {fmt.number(a, decimals)} {words[0]} {first} "
            f"{words[2]} {fmt.number(b, decimals)} {words[0]} {last}.")


def describe_index(region: str, index: pd.Series, fmt: Formatter) -> str:
    """'Indeksen for Gjøvik var 104,2 i 2017.', for the last year with a value."""
    index = index.dropna()
    if index.empty:
        return ""
    year, value = index.index[-1], fmt.number(index.iloc[-1], 1)
    return {"nb": f"Indeksen for {region} var {value} i {year}.", "nn": f"Indeksen for {region} var {value} i {year}.",
            "en": f"The index for {region} was {value} in {year}."}[fmt.language]


def describe_latest(region: str, series: pd.Series, fmt: Formatter, decimals: int = 0) -> str:
    """'I Oppland var den 2,1 i 2017.', the last year with a value."""
    series = series.dropna()
    if series.empty:
        return ""
    year, value = series.index[-1], fmt.number(series.iloc[-1], decimals)
    return {"nb": f"I {region} var den {value} i {year}.", "nn": f"I {region} var han {value} i {year}.",
            "en": f"In {region} it was {value} in {year}."}[fmt.language]


def describe_stacked_funding(by_year: pd.DataFrame, by_funder: pd.DataFrame, fmt: Formatter) -> str:
    """Alternative text for the funding chart: the years, the first and last year's totals, each funder's sum."""
    first, last = by_year.index[0], by_year.index[-1]
    parts = ", ".join(f"{name} {fmt.mnok(amount)}" for name, amount in zip(by_funder["name"], by_funder["amount_nok"]))
    total_first, total_last = fmt.mnok(by_year.loc[first, "total"]), fmt.mnok(by_year.loc[last, "total"])
    return {
        "nb": f"Stablede søyler for hvert år fra {first} til {last}. Samlet finansiering var {total_first} i {first} "
              f"og {total_last} i {last}. Til sammen: {parts}.",
        "nn": f"Stabla søyler for kvart år frå {first} til {last}. Samla finansiering var {total_first} i {first} "
              f"og {total_last} i {last}. Til saman: {parts}.",
        "en": f"Stacked bars for each year from {first} to {last}. Total funding was {total_first} in {first} "
              f"and {total_last} in {last}. In all: {parts}.",
    }[fmt.language]


def plot_lines(series: pd.DataFrame, names: dict[str, str], fmt: Formatter, caption: str, source: str,
               alt: str, y_label: str = "", decimals: int = 0, shade: tuple[int, int] | None = None,
               series_break: int | None = None) -> Exhibit:
    """One line per column (the first drawn strongest), labelled at its end, not only by colour."""
    fig, ax = _new_axes()
    lang = fmt.language
    _shade(ax, shade, lang)
    if series_break:
        ax.axvline(series_break - 0.5, color="#444444", linewidth=0.8, linestyle=":")
        ax.text(series_break - 0.4, 0.02, texts.label(lang, "series_break"), transform=ax.get_xaxis_transform(),
                fontsize=7.5, color=TEXT_COLOUR, va="bottom")
    for i, code in enumerate(series.columns):
        line = series[code].dropna()
        ax.plot(line.index, line.values, color=PALETTE[i % len(PALETTE)], linestyle=LINESTYLES[i % len(LINESTYLES)],
                marker=MARKERS[i % len(MARKERS)], markersize=3.5 if i else 4.5, linewidth=2.2 if i == 0 else 1.3,
                label=names.get(code, code), zorder=3 if i == 0 else 2)
    _number_axis(ax, fmt, decimals)
    ax.set_ylabel(y_label)
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=8.5)
    return _figure(_to_svg(fig), alt, caption, source, lang)


def plot_stacked_bars(table: pd.DataFrame, labels: dict[str, str], fmt: Formatter, caption: str, source: str,
                      alt: str, y_label: str = "", scale: float = 1.0, decimals: int = 0) -> Exhibit:
    """Stacked bars, one per row (year), one segment per column, told apart by colour and hatch."""
    fig, ax = _new_axes()
    bottom = pd.Series(0.0, index=table.index)
    for i, column in enumerate(table.columns):
        values = table[column] / scale
        ax.bar(table.index, values, bottom=bottom, color=PALETTE[i % len(PALETTE)], hatch=HATCHES[i % len(HATCHES)],
               edgecolor="white", linewidth=0.6, label=labels.get(column, column), width=0.7)
        bottom += values
    _number_axis(ax, fmt, decimals)
    ax.set_ylabel(y_label)
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=8.5)
    return _figure(_to_svg(fig), alt, caption, source, fmt.language)


def plot_bars(values: pd.Series, fmt: Formatter, caption: str, source: str, alt: str, y_label: str = "",
              highlight: tuple[int, int] | None = None, decimals: int = 0) -> Exhibit:
    """Vertical bars over years; bars inside `highlight` are solid, the others lighter and hatched."""
    fig, ax = _new_axes()
    for year, value in values.items():
        inside = highlight is not None and highlight[0] <= year <= highlight[1]
        ax.bar(year, value, color=PALETTE[0] if inside else CONTEXT_COLOUR, hatch="" if inside else "//",
               edgecolor="white", width=0.7)
    _number_axis(ax, fmt, decimals)
    ax.set_ylabel(y_label)
    if highlight:
        ax.text(highlight[0] - 0.4, 1.0, texts.label(fmt.language, "programme_years"),
                transform=ax.get_xaxis_transform(), va="top", fontsize=8, color=TEXT_COLOUR)
    return _figure(_to_svg(fig), alt, caption, source, fmt.language)


def plot_placebo_gaps(treated: pd.Series, placebos: pd.DataFrame, labels: tuple[str, str], fmt: Formatter,
                      caption: str, source: str, alt: str, y_label: str = "", shade: tuple[int, int] | None = None,
                      decimals: int = 0) -> Exhibit:
    """The treated unit's gap (strong, dark) drawn over every placebo's gap (thin, grey), as Abadie,
    Diamond & Hainmueller (2010) draw the test: an effect stands out only if its line leaves the
    grey band. `labels` names the two in the legend: (treated, placebos)."""
    fig, ax = _new_axes()
    _shade(ax, shade, fmt.language)
    ax.axhline(0, color="#444444", linewidth=0.8)
    for i, code in enumerate(placebos.columns):
        ax.plot(placebos.index, placebos[code].values, color=PLACEBO_COLOUR, linewidth=0.5, zorder=1,
                label=labels[1] if i == 0 else None)
    ax.plot(treated.index, treated.values, color=PALETTE[0], linewidth=2.4, marker=MARKERS[0], markersize=4,
            zorder=3, label=labels[0])
    _number_axis(ax, fmt, decimals)
    ax.set_ylabel(y_label)
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=8.5)
    return _figure(_to_svg(fig), alt, caption, source, fmt.language)


def plot_event_study(gap: pd.Series, low: pd.Series, high: pd.Series, labels: tuple[str, str], fmt: Formatter,
                     caption: str, source: str, alt: str, y_label: str = "", shade: tuple[int, int] | None = None,
                     decimals: int = 0) -> Exhibit:
    """Yearly effects (the gap) with the range of the well-fitted placebos' gaps as a band; `labels`
    names (the gap, the band)."""
    fig, ax = _new_axes()
    _shade(ax, shade, fmt.language)
    ax.axhline(0, color="#444444", linewidth=0.8)
    ax.fill_between(low.index, low.values, high.values, facecolor="#DDDDDD", edgecolor=PLACEBO_COLOUR, linewidth=0.8,
                    label=labels[1], zorder=1)
    ax.plot(gap.index, gap.values, color=PALETTE[0], linewidth=2.2, marker=MARKERS[0], markersize=4, zorder=3,
            label=labels[0])
    _number_axis(ax, fmt, decimals)
    ax.set_ylabel(y_label)
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=8.5)
    return _figure(_to_svg(fig), alt, caption, source, fmt.language)


def describe_gap(treated: pd.Series, synthetic: pd.Series, region: str, fmt: Formatter) -> str:
    """Alternative text for the treated-against-synthetic chart: where the two lines are at the ends."""
    first, last = int(treated.index[0]), int(treated.index[-1])
    a, b = fmt.number(treated.iloc[0], 1), fmt.number(treated.iloc[-1], 1)
    c, d = fmt.number(synthetic.iloc[0], 1), fmt.number(synthetic.iloc[-1], 1)
    return {
        "nb": f"To linjer for årene {first}–{last}. {region}: {a} i {first} og {b} i {last}. Den syntetiske "
              f"kontrollgruppen: {c} i {first} og {d} i {last}.",
        "nn": f"To linjer for åra {first}–{last}. {region}: {a} i {first} og {b} i {last}. Den syntetiske "
              f"kontrollgruppa: {c} i {first} og {d} i {last}.",
        "en": f"Two lines for {first}–{last}. {region}: {a} in {first} and {b} in {last}. The synthetic control "
              f"group: {c} in {first} and {d} in {last}.",
    }[fmt.language]


def describe_placebos(treated: pd.Series, placebos: pd.DataFrame, start: int, region: str, fmt: Formatter) -> str:
    """Alternative text for the placebo chart: the case's mean departure after the start, and the placebos'."""
    after = [t for t in treated.index if t >= start]
    own = fmt.number(float(treated.loc[after].mean()), 1)
    spread = placebos.loc[after].mean()
    low, high = fmt.number(float(spread.min()), 1), fmt.number(float(spread.max()), 1)
    count = len(placebos.columns)
    return {
        "nb": f"{region} avviker i gjennomsnitt {own} indekspoeng fra kontrollgruppen fra {start}. De {count} "
              f"placeboene avviker i gjennomsnitt fra {low} til {high} indekspoeng i de samme årene.",
        "nn": f"{region} avvik i gjennomsnitt {own} indekspoeng frå kontrollgruppa frå {start}. Dei {count} "
              f"placeboane avvik i gjennomsnitt frå {low} til {high} indekspoeng i dei same åra.",
        "en": f"{region} departs from its control group by {own} index points on average from {start}. The {count} "
              f"placebos depart by {low} to {high} index points on average in the same years.",
    }[fmt.language]


def describe_band(gap: pd.Series, low: pd.Series, high: pd.Series, start: int, end: int, fmt: Formatter) -> str:
    """Alternative text for the yearly chart: the years whose departure lies outside the placebos' band."""
    outside = [int(t) for t in gap.index if start <= t <= end and not low[t] <= gap[t] <= high[t]]
    years = fmt.join([str(t) for t in outside], {"nb": "og", "nn": "og", "en": "and"}[fmt.language])
    if fmt.language == "en":
        return (f"Departure by year with the band of the placebos. In the programme years it lies outside the band in "
                f"{years}." if outside else "Departure by year with the band of the placebos. In every programme "
                "year it lies inside the band.")
    word = {"nb": ("Avvik per år med båndet til placeboene.", "I programårene ligger det utenfor båndet i",
                   "I alle programårene ligger det innenfor båndet."),
            "nn": ("Avvik per år med bandet til placeboane.", "I programåra ligg det utanfor bandet i",
                   "I alle programåra ligg det innanfor bandet.")}[fmt.language]
    return f"{word[0]} {word[1]} {years}." if outside else f"{word[0]} {word[2]}"
