"""The words of the comparison workbook, map and tables, in French and English.

Small tables until the gettext catalogs arrive (walktool.i18n): one place to translate.
"""

from __future__ import annotations

from typing import Any

_TEXT: dict[str, tuple[str, str]] = {
    "before": ("Avant", "Before"),
    "after": ("Après", "After"),
    "delta": ("Δ", "Δ"),
    "ci": ("IC 95 %", "95 % CI"),
    "ci_low": ("IC 95 % bas", "95 % CI low"),
    "ci_high": ("IC 95 % haut", "95 % CI high"),
    "p": ("p", "p"),
    "p_adjusted": ("p ajusté ({method})", "adjusted p ({method})"),
    "verdict": ("Changement significatif", "Significant change"),
    "reason": ("Pourquoi on ne peut pas conclure", "Why it cannot tell"),
    "units_before": ("{unit}s avant", "{unit}s before"),
    "units_after": ("{unit}s après", "{unit}s after"),
    "participants_before": ("Participant·es avant", "Participants before"),
    "participants_after": ("Participant·es après", "Participants after"),
    "principle": ("Principe", "Principle"),
    "yes": ("oui", "yes"),
    "no": ("non", "no"),
    "cannot_tell": ("on ne peut pas conclure", "cannot tell"),
    "method": ("Méthode", "Method"),
    "principles_sheet": ("Principes", "Principles"),
    "items_left_out": ("Éléments non comparés", "Items left out"),
    "item": ("Élément", "Item"),
    "walk": ("marche", "walk"),
    "stop": ("arrêt", "stop"),
    "station": ("Station", "Station"),
}

_REASONS: dict[str, tuple[str, str]] = {
    "not-walked-before": ("station non parcourue lors de la première campagne", "station not walked in the first campaign"),
    "not-walked-after": ("station non parcourue lors de la seconde campagne", "station not walked in the second campaign"),
    "not-scored-before": ("aucune réponse notée lors de la première campagne", "no scored answer in the first campaign"),
    "not-scored-after": ("aucune réponse notée lors de la seconde campagne", "no scored answer in the second campaign"),
    "too-few-walks": (
        "trop peu de marches : {n_before} avant, {n_after} après; le plus petit p possible est {p_min} (il faut p ≤ 0,05)",
        "too few walks: {n_before} before, {n_after} after; the smallest possible p is {p_min} (p ≤ 0.05 is needed)",
    ),
    "too-few-stops": (
        "trop peu d'arrêts : {n_before} avant, {n_after} après; le plus petit p possible est {p_min} (il faut p ≤ 0,05)",
        "too few stops: {n_before} before, {n_after} after; the smallest possible p is {p_min} (p ≤ 0.05 is needed)",
    ),
}

_ITEM_REASONS: dict[str, tuple[str, str]] = {
    "not-in-before-protocol": ("absent de la grille de la première campagne", "not in the first campaign's checklist"),
    "not-in-after-protocol": ("absent de la grille de la seconde campagne", "not in the second campaign's checklist"),
    "rules-differ": ("règles de notation différentes d'une version à l'autre", "scored under different rules in the two versions"),
    "not-answered-before": ("sans réponse lors de la première campagne", "not answered in the first campaign"),
    "not-answered-after": ("sans réponse lors de la seconde campagne", "not answered in the second campaign"),
}

_ADJUST = {"holm": ("Holm", "Holm"), "bh": ("Benjamini-Hochberg", "Benjamini-Hochberg"), "none": ("aucun", "none")}


def text(key: str, lang: str, **fields: Any) -> str:
    """A label in ``lang`` (``fr`` or ``en``), with ``{fields}`` filled in."""
    fr, en = _TEXT[key]
    return (fr if lang == "fr" else en).format(**fields)


def adjust_name(method: str, lang: str) -> str:
    """The name of a correction (``holm``, ``bh``, ``none``) in ``lang``."""
    fr, en = _ADJUST.get(method, (method, method))
    return fr if lang == "fr" else en


def _number(value: float | None, lang: str) -> str:
    if value is None:
        return "–"
    shown = f"{value:.3g}"
    return shown.replace(".", ",") if lang == "fr" else shown


def reason_text(record: dict[str, Any], lang: str) -> str | None:
    """Why a station (or principle) cannot be called changed or not, in ``lang``; None when it can."""
    code = record.get("reason")
    if code is None:
        return None
    fr, en = _REASONS.get(code, (code, code))
    return (fr if lang == "fr" else en).format(n_before=record.get("n_before", 0), n_after=record.get("n_after", 0), p_min=_number(record.get("p_min"), lang))


def item_reason_text(code: str, lang: str) -> str:
    """Why an item was left out of the comparison, in ``lang``."""
    fr, en = _ITEM_REASONS.get(code, (code, code))
    return fr if lang == "fr" else en


def verdict(record: dict[str, Any], lang: str) -> str:
    """``oui`` / ``non`` / ``on ne peut pas conclure`` (yes / no / cannot tell)."""
    value = record.get("significant")
    if value is None:
        return text("cannot_tell", lang)
    return text("yes" if value else "no", lang)


def ci_text(ci: list[float] | None, lang: str) -> str:
    """``[−3.1, 12.4]`` (``[−3,1 ; 12,4]`` in French), ``–`` without an interval."""
    if ci is None:
        return "–"
    lo, hi = (f"{v:+.1f}" for v in ci)
    if lang == "fr":
        return f"[{lo.replace('.', ',')} ; {hi.replace('.', ',')}]"
    return f"[{lo}, {hi}]"


def method_lines(method: dict[str, Any], items: dict[str, Any], lang: str) -> list[tuple[str, str]]:
    """The method of a comparison as (label, value) lines for a reader, in ``lang``."""
    fr = lang == "fr"
    unit = method.get("unit", "walk")
    unit_words = {
        "walk": ("la marche (la visite d'une station par une marche, toutes zones)", "the walk (a walk's visit of a station, all zones)"),
        "stop": ("l'arrêt (marche × station × zone)", "the stop visit (walk × station × zone)"),
    }[unit]
    adjust = method.get("adjust", "holm")
    left = items.get("left_out", [])
    lines = [
        ("Unité indépendante" if fr else "Independent unit", unit_words[0] if fr else unit_words[1]),
        ("Statistique" if fr else "Statistic",
         "score de station après − avant (moyennes des éléments → principes × 100 → moyenne à poids égal)" if fr
         else "station score after − before (item means → principle means × 100 → equal-weight mean)"),
        ("Test",
         f"permutation bilatérale d'unités entières entre les campagnes (toutes les répartitions jusqu'à {method.get('exact_up_to')}, sinon {method.get('permutations')} tirées au hasard, graine {method.get('seed')})" if fr
         else f"two-sided permutation of whole units between the campaigns (every split up to {method.get('exact_up_to')}, else {method.get('permutations')} random ones, seed {method.get('seed')})"),
        ("Intervalle" if fr else "Interval",
         f"IC 95 % par bootstrap percentile élargi (Hesterberg 2015), unités tirées avec remise dans chaque campagne ({method.get('resamples')} tirages; aucun sous {method.get('ci_min_units')} unités d'un côté)" if fr
         else f"95 % expanded percentile bootstrap (Hesterberg 2015), units resampled within each campaign ({method.get('resamples')} resamples; none below {method.get('ci_min_units')} units a side)"),
        ("Correction",
         f"{adjust_name(adjust, lang)} sur les {method.get('stations_tested')} stations testables (et, à part, les {method.get('principles_tested')} principes testables); significatif = p ajusté ≤ {str(method.get('alpha')).replace('.', ',')}" if fr
         else f"{adjust_name(adjust, lang)} across the {method.get('stations_tested')} stations that can be tested (and, apart, the {method.get('principles_tested')} principles); significant = adjusted p ≤ {method.get('alpha')}"),
        (text("cannot_tell", lang).capitalize(),
         "la station n'a pas été parcourue ou notée des deux côtés, ou elle a trop peu d'unités pour qu'un test puisse atteindre p ≤ 0,05 (p. ex. 3 marches de chaque côté : p ≥ 0,10)" if fr
         else "the station was not walked or scored on both sides, or it has too few units for any test outcome to reach p ≤ 0.05 (e.g. 3 walks a side: p ≥ 0.10)"),
        ("Éléments comparés" if fr else "Items compared", ", ".join(items.get("compared", [])) or "–"),
        (text("items_left_out", lang), "; ".join(f"{x['item']} ({item_reason_text(x['reason'], lang)})" for x in left) or "–"),
    ]
    return lines
