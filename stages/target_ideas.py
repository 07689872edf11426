"""SMART target ideas for the training cohort, by age and circumstance (academic and non-academic)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from pep_tui.domain import Target, TargetArea
from pep_tui.plugins.api import SampleContext


@dataclass(frozen=True)
class TargetIdea:
    """A SMART target template; ``{name}`` in its text becomes the child's first name."""

    area: TargetArea
    need: str
    description: str
    success_measure: str
    owner: str
    actions: str
    frequency: str

    def target(self, target_id: str, name: str, review_date: date) -> Target:
        """The target for a child, reviewed on ``review_date``."""
        return Target(
            id=target_id, area=self.area, need=self.need.format(name=name),
            description=self.description.format(name=name), success_measure=self.success_measure.format(name=name),
            owner=self.owner, actions=self.actions.format(name=name), frequency=self.frequency,
            review_date=review_date,
        )


A, SE, W, ATT, CAR = (TargetArea.ACADEMIC, TargetArea.SOCIAL_EMOTIONAL, TargetArea.WELLBEING, TargetArea.ATTENDANCE,
                      TargetArea.CAREERS)

EARLY_YEARS = (
    TargetIdea(A, "Limited spoken vocabulary for age", "{name} will use two-word phrases to ask for things",
               "Key person observes 10 two-word requests in a week", "Key person",
               "Narrate play and model two-word phrases; share words with the carer", "daily, 10 minutes"),
    TargetIdea(A, "Early number", "{name} will count five objects accurately",
               "Counts five objects correctly on three occasions", "Key person",
               "Counting songs and counting during snack time", "3 times a week"),
    TargetIdea(SE, "Finds separating from the carer hard", "{name} will settle within 10 minutes of arriving",
               "Settles within 10 minutes on 4 of 5 days", "Key person",
               "Same greeting routine each morning; transition object from home", "every session"),
    TargetIdea(W, "Toileting", "{name} will use the toilet with reminders",
               "Dry for the session on most days for two weeks", "Carer",
               "Shared routine between home and nursery", "daily"),
)
PRIMARY = (
    TargetIdea(A, "Reading fluency below age-related expectations", "{name} will read a book band 8 text at 90 words a minute",
               "Fluency check at 90 wpm with 95% accuracy", "Class teacher",
               "Paired reading with a trained reading partner; reading at home logged by the carer", "3 x 15 minutes a week"),
    TargetIdea(A, "Recall of times tables", "{name} will recall the 3, 4 and 8 times tables",
               "25/25 on a mixed 3, 4, 8 check", "Teaching assistant",
               "Daily times-table practice online and in a small group", "daily, 10 minutes"),
    TargetIdea(A, "Writing stamina", "{name} will write a paragraph of five sentences with capital letters and full stops",
               "Three independent paragraphs meeting the criteria", "Class teacher",
               "Sentence-building intervention and a word mat", "2 x 20 minutes a week"),
    TargetIdea(SE, "Friendship difficulties at lunchtime", "{name} will join a structured lunchtime club",
               "Attends the club on 4 of 5 days for four weeks", "Designated teacher",
               "Lunch club with a trained midday supervisor", "daily"),
    TargetIdea(W, "Worries at bedtime affect mornings", "{name} will use a worry box and calm-down plan",
               "Carer and teacher report fewer late, upset mornings", "Carer",
               "Worry box at home and school; ELSA session weekly", "weekly"),
)
SECONDARY = (
    TargetIdea(A, "Maths grade below target", "{name} will secure fractions, ratio and percentages",
               "80% on the end-of-unit assessment", "Maths teacher",
               "Small-group tutoring funded by PP+", "1 hour a week for 10 weeks"),
    TargetIdea(A, "English essay structure", "{name} will write analytical paragraphs using point-evidence-explain",
               "Two assessed paragraphs at the target grade", "English teacher",
               "One-to-one tutoring and model answers", "weekly, 45 minutes"),
    TargetIdea(SE, "Conflict with peers at social times", "{name} will use the agreed time-out card instead of leaving lessons",
               "No more than one walk-out a fortnight", "Head of year",
               "Mentor check-in and an agreed calm space", "daily check-in, weekly mentoring"),
    TargetIdea(ATT, "Attendance below 90%", "{name} will attend 95% of sessions this term",
               "95% attendance on the register at the review", "Designated teacher",
               "Morning meet-and-greet and a reward plan agreed with {name}", "daily"),
    TargetIdea(CAR, "Unsure about next steps", "{name} will visit two post-16 providers and talk to a careers adviser",
               "Two visits and one guidance interview recorded", "Careers lead",
               "Book open evenings; independent careers interview", "by the review date"),
)
POST16 = (
    TargetIdea(A, "Behind on coursework deadlines", "{name} will hand in every unit assignment on time",
               "All assignments submitted by the deadlines this term", "Course tutor",
               "Weekly study session in the learning centre", "weekly, 2 hours"),
    TargetIdea(CAR, "Needs a plan for next year", "{name} will complete a progression application",
               "Application submitted before the deadline", "Personal adviser",
               "Two planning sessions with the personal adviser", "fortnightly"),
    TargetIdea(W, "Living independently for the first time", "{name} will budget weekly with the personal adviser",
               "Budget kept for eight weeks without running out", "Personal adviser",
               "Weekly budgeting session", "weekly"),
    TargetIdea(CAR, "Not in education, employment or training", "{name} will start a re-engagement programme",
               "Enrolled and attending 80% of sessions", "Personal adviser",
               "Referral to a re-engagement provider and travel paid", "by the review date"),
)


def ideas_for(ctx: SampleContext) -> tuple[TargetIdea, ...]:
    """Target ideas that suit the child's age and story."""
    group = ctx.pep.year_group
    if group < 1:
        return EARLY_YEARS
    if group <= 6:
        return PRIMARY
    if group <= 11:
        return SECONDARY
    if ctx.story.get("post16_route", "education") != "education":
        return tuple(i for i in POST16 if i.area is not TargetArea.ACADEMIC)
    return tuple(i for i in POST16 if "re-engagement" not in i.description)
