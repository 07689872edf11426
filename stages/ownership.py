"""Who edits which sections (role ids of the built-in role plugins), following the partners' duties.

The designated teacher leads the PEP in school (setting, attendance, attainment, SEN, targets); the
Virtual School may edit everything education-related and leads when a child has no school place; the
social worker arranges the meeting and brings the care and health context.
"""

from __future__ import annotations

SOCIAL_WORKER = "social_worker"
DESIGNATED_TEACHER = "designated_teacher"
VIRTUAL_SCHOOL = "virtual_school"
CARER = "carer"

#: Attainment, attendance, SEN, targets and every stage-specific education section.
EDUCATION = frozenset({DESIGNATED_TEACHER, VIRTUAL_SCHOOL})
#: Where the social worker also writes: the setting and school moves, wellbeing, leisure, post-16 plans.
EDUCATION_AND_CARE = frozenset({DESIGNATED_TEACHER, VIRTUAL_SCHOOL, SOCIAL_WORKER})
#: The meeting: arranged (often chaired) by the social worker, recorded by the designated teacher.
MEETING = frozenset({SOCIAL_WORKER, DESIGNATED_TEACHER, VIRTUAL_SCHOOL})
#: Education when a child has no school place: led by the Virtual School with the social worker.
VIRTUAL_SCHOOL_LED = frozenset({VIRTUAL_SCHOOL, SOCIAL_WORKER})
#: Leisure interests: the carer knows them best and may write them too.
LEISURE = frozenset({DESIGNATED_TEACHER, VIRTUAL_SCHOOL, SOCIAL_WORKER, CARER})
