"""A round's results for one group as PDF, for leadership to pass on: the same figures the
results page shows, rounded as it rounds them — a protected group's figures with their noise
interval and the note that says why, hidden groups named as hidden — never a more precise
figure than the page (`core.pdf` draws it)."""

from django.template.defaultfilters import floatformat
from django.utils.translation import gettext as _
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, Spacer

from core import pdf
from core.formatting import month, number, percent
from core.pdf import markup


def figure(value, places: int) -> str:
    """A figure written exactly as the results page writes it (`floatformat`: half up, the
    reader's decimal mark), so the PDF is never more or less precise than the page."""
    return "—" if value is None else str(floatformat(value, places))


def _score(result) -> str:
    if result.score is None:
        return "—"
    if result.protected:
        return _("%(score)s ± %(margin)s, protected") % {
            "score": figure(result.score, 0),
            "margin": figure(result.score_margin, 0),
        }
    return figure(result.score, 1)


def _enps(result) -> str:
    if result.protected:
        if result.enps is None:
            return _("not shown: the noise would make it meaningless")
        return _("%(score)s ± %(margin)s, protected") % {
            "score": figure(result.enps, 0),
            "margin": figure(result.enps_margin, 0),
        }
    return "—" if result.enps is None else figure(result.enps, 0)


def results_title(pulse_round, department) -> str:
    group = department.name if department is not None else _("Whole audience")
    return _("%(survey)s #%(number)s — %(group)s") % {
        "survey": pulse_round.survey.title,
        "number": pulse_round.number,
        "group": group,
    }


def results_pdf(*, pulse_round, department, result, breakdown) -> bytes:
    """The PDF of `result` (a group's result of a closed round) and of the shown, protected and
    hidden departments right below it (`breakdown`)."""
    styles = pdf.styles()
    title = results_title(pulse_round, department)
    story = [Paragraph(markup(_("Survey results")), styles["small"]), Paragraph(markup(title), styles["title"])]
    facts = [
        [_("Closed"), month(pulse_round.closed_at.date()) if pulse_round.closed_at else "—"],
        [
            _("Answered"),
            _("%(responded)s of %(invited)s (%(rate)s)")
            % {
                "responded": number(result.responded, 0),
                "invited": number(result.invited, 0),
                "rate": percent(result.response_rate),
            },
        ],
    ]
    if result.suppressed:
        facts.append([_("Results"), _("Results hidden to protect anonymity") + " — " + result.get_reason_display()])
    else:
        facts += [[_("Score (0–100)"), _score(result)], ["eNPS", _enps(result)]]
    story.append(pdf.table([[_("What"), _("Figure")], *facts], [50 * mm, 120 * mm], styles, numbers_from=9))
    if result.protected:
        story.append(Paragraph(markup(result.protection_note), styles["small"]))
    if not result.suppressed:
        drivers = list(result.driver_scores.all())
        if drivers:
            story += [Spacer(1, 4), Paragraph(markup(_("Drivers")), styles["h2"])]
            rows = [[_("Driver"), _("Score (0–100)")]]
            for item in drivers:
                if result.protected:
                    shown = _("%(score)s ± %(margin)s") % {
                        "score": figure(item.score, 0),
                        "margin": figure(item.margin, 0),
                    }
                else:
                    shown = figure(item.score, 1)
                rows.append([item.driver.name, shown])
            story.append(pdf.table(rows, [120 * mm, 50 * mm], styles, numbers_from=1))
    if breakdown:
        story += [Spacer(1, 4), Paragraph(markup(_("By department")), styles["h2"])]
        rows = [[_("Department"), _("Answered"), _("Score"), "eNPS"]]
        for child in breakdown:
            answered = f"{number(child.responded, 0)} / {number(child.invited, 0)}"
            if child.suppressed:
                rows.append([child.department.name, answered, _("hidden to protect anonymity"), ""])
            elif child.protected:
                enps = "—" if child.enps is None else f"{figure(child.enps, 0)} ± {figure(child.enps_margin, 0)}*"
                rows.append(
                    [
                        child.department.name,
                        answered,
                        f"{figure(child.score, 0)} ± {figure(child.score_margin, 0)}*",
                        enps,
                    ]
                )
            else:
                enps = "—" if child.enps is None else figure(child.enps, 0)
                rows.append([child.department.name, answered, figure(child.score, 1), enps])
        story.append(pdf.table(rows, [80 * mm, 30 * mm, 35 * mm, 25 * mm], styles, numbers_from=1))
        note = next((child.protection_note for child in breakdown if child.protected), "")
        if note:
            story.append(Paragraph(markup(f"* {note}"), styles["small"]))
    return pdf.document(story, title=title, subject=_("Survey results"))
