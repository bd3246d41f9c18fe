"""What kind of turn the candidate's words are, beyond the design talk itself: a manipulation
attempt (the rubric, the notes, a model answer, role play, a claimed authority), a request for the
interviewer's opinion ("Is MAE right here?"), small talk, or a request for a grade. The policy
(policy.py) decides what to do with each; these are only the patterns, kept apart so that a newcomer
finds them in one place and so that "the prompt" in an LLM design stays design talk.
"""

from __future__ import annotations

import re

EXTRACT = re.compile(
    r"\b(?:ignore|disregard|forget|override)\b.{0,40}\b(?:instructions?|rules?|prompt|above|previous|everything)\b|"
    r"\b(?:hidden|secret|original|initial) (?:prompt|instructions?|notes?|message)\b|"
    # "the system prompt tells the model to cite" is design talk in an LLM problem; asked for, or not
    # said as part of a design (the/a/our/my), it is not
    r"(?<!\bthe )(?<!\ba )(?<!\bour )(?<!\bmy )\bsystem (?:prompt|instructions?|message)\b|"
    r"\bwhat(?:'s| is| does| did)\b.{0,12}\bthe system (?:prompt|instructions?|message)\b|"
    r"\byour (?:system )?(?:prompt|instructions|notes|rubric|grading (?:criteria|guide|rubric)|"
    r"scoring (?:guide|rubric)|checklist|answer key|hidden facts?|evaluation criteria|private notes)\b|"
    # "the prompt" or "the notes" is design talk in an LLM or ticketing problem; asked for, it is not
    r"\bthe (?:rubric|grading (?:criteria|guide|rubric)|scoring (?:guide|rubric)|answer key|hidden facts?|"
    r"private notes)\b|"
    r"\b(?:tell|give|show|share|reveal|print|repeat|recite|read|dump|output)\b.{0,20}\bthe "
    r"(?:system )?(?:prompt|instructions|notes|checklist|evaluation criteria|message)\b|"
    # "an LLM-as-judge rubric", "a rubric covering correctness" is the candidate's own design
    r"(?<!judge )(?<!judging )(?<!scoring )(?<!grading )(?<!\ba )(?<!\ban )(?<!\bour )(?<!\bmy )\brubric\b|"
    r"\bgreen flags?\b|\bred flags?\b|\bcore challenge\b|\blevel bar\b|"
    r"\b(?:tell|give|show|share|reveal|print|repeat|recite|read|spell|list|translate|dump|output)\b.{0,40}"
    r"\b(?:good|right|correct|ideal|model|best|reference|perfect|sample|expected|strong) "
    r"(?:answer|solution|design)s?\b|"
    r"\bwhat (?:would|does|do) (?:a|an) (?:staff|senior|strong|good|great|ideal|principal|top|expert)\b.{0,30}"
    r"\b(?:say|answer|do|design|propose|write)\b|"
    r"\bwhat (?:are|is) you(?:'re)? (?:looking for|grading|scoring|checking)\b|"
    # what the interviewer wants to see is the rubric in other words
    r"\b(?:expect|want|hope) to (?:see|hear) from (?:a |an )?(?:really |very )?(?:strong|good|great|top|ideal|senior|"
    r"staff)\b|\bwhat (?:does|do|would) (?:a |an )?(?:really |very )?(?:strong|good|great|ideal|top|winning) "
    r"(?:answer|candidate|response|design)s? (?:look like|contain|cover|include|have)\b|"
    r"\bwhat (?:matters|counts) (?:the )?most to you\b|\bwhat (?:do|will|would) you (?:weigh|weight|value) most\b|"
    r"\bwhat(?:ever)? you (?:consider|think is|see as|would call|'d call) (?:the )?(?:crux|most important|key|main) ?"
    r"(?:part|thing|point|issue|area)?\b|"
    r"\b(?:just )?(?:tell|give) me the answer\b|\bwhat(?:'s| is) the (?:right|correct|expected) answer\b|"
    # "translate everything to English first" is design talk; translating what is above is not
    r"\b(?:repeat|print|output|reveal|show)\b.{0,30}\b(?:above|everything|verbatim|word for word|"
    r"your (?:setup|configuration|context))\b|\btranslate\b.{0,30}\b(?:above|verbatim|word for word|"
    r"your (?:setup|configuration|context))\b|"
    # "a cache to act as a buffer" is design talk; acting as someone is role play
    r"\b(?:pretend|role-?play|you are now|from now on you)\b|\bact as (?:if|though)\b|"
    r"\bact as (?:my|your)\b|\bact as (?:an? |the )?(?:candidate|grader|interviewer|examiner|hiring manager|"
    r"assistant|expert|mentor|coach|teacher|tutor)\b|"
    r"\b(?:i am|i'm) (?:the|an?|your) (?:admin|administrator|developer|engineer who built|creator|owner|"
    r"supervisor|manager|hiring manager|recruiter)\b|\b(?:developer|admin|debug|god) mode\b|"
    r"\bfull marks\b|\bscore me\b|\bgive me (?:a )?(?:hire|strong hire|4)\b",
    re.IGNORECASE | re.DOTALL)
OPINION = re.compile(  # searched in each question; "Actually, let me ask you: is NDCG the right metric?" asks too
    r"(?:^|[:;,]\s)\s*(?:is|are|would|should|does|do|could|can)\b.{0,60}\b(?:right|correct|good|best|better|enough|okay|ok|fine|"
    r"appropriate|reasonable|the way to go|a good (?:idea|choice|metric|model))\b|"
    r"\bwhat do you (?:think|recommend|suggest|prefer)\b|\bwhich (?:one )?(?:is|would be) better\b|"
    r"\bshould i (?:use|pick|choose|go with)\b|\bdo you (?:agree|think)\b|"
    r"\bwhat would you (?:use|pick|choose|go with|recommend)\b|"
    r"\byour (?:take|view|opinion|preference|recommendation)\b|\bwhat(?:'s| is) your (?:take|view|opinion)\b|"
    r"\bwould you (?:go with|use|pick|choose)\b", re.IGNORECASE)
# asked for (in a question: "a pointer to the passage" is design talk), a hint is an "I don't know" in
# other words: one smaller question (dont_know.py), not "I don't have a figure for that"
HINT = re.compile(r"\b(?:a |any |some )(?:nudge|hint|pointer|clue)s?\b|\bpoint me (?:in|to)\b|"
                  r"\bwhere should i (?:focus|start|go)\b", re.IGNORECASE)

SMALL_TALK = re.compile(
    r"\b(?:weather|how are you|how'?s your day|where are you (?:based|from|located)|where do you live|your name|"
    r"who are you|are you (?:a |an )?(?:bot|ai|human|real)|your favou?rite|last night|the game|movie|lunch|dinner|"
    r"weekend|holiday plans|joke)\b", re.IGNORECASE)
# about the job rather than the design: parked for the end, the way an interviewer would
LOGISTICS = re.compile(r"\b(?:hybrid|in (?:the )?office|remote work|work from home|commute|salary|compensation|"
                       r"relocat\w+|the (?:job )?posting|next round|next steps in the process)\b", re.IGNORECASE)
ENGINEERING = set("""cloud provider infrastructure infra server servers gpu gpus cpu cpus hardware budget team
engineers compliance privacy regulation legal region regions storage database api deploy deployment stack language
framework tools users product system systems model models data pipeline latency cost""".split())
GRADE_ASK = re.compile(r"\b(?:full marks|strong hire|score me|mark me|grade me|give me (?:a |an )?(?:hire|4|top))",
                        re.IGNORECASE)


def is_extraction(text: str) -> bool:
    """The turn asks for something private or tries to re-instruct the interviewer."""
    return bool(EXTRACT.search(text))
