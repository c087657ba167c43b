"""The built-in note templates: one per rule, and one for a thank-you after a group event.

Each follows the guides' checklist (spec 11): it thanks the person, names the
company, brings the points from the user's notes, states interest, and ends
with the user's phone number; it never asks about next steps. A test fills
every one of them and runs the checklist on the result.
"""
from __future__ import annotations

_SIGNATURE = """
Best regards,
{my_name}
{my_phone}
"""

# rule (or rule-kind) -> (subject, body)
BUILTIN: dict[str, tuple[str, str]] = {
    "thank-you": ("Thank you for the {kind}, {first_name}", """\
Hi {first_name},

Thank you for taking the time to meet with me on {date}. I enjoyed learning more \
about the work at {company}, especially:

{points}

Our conversation made me even more excited about {company}. I believe my experience \
would let me contribute to the team, and I would be glad to tell you more about it.
""" + _SIGNATURE),
    "thank-you-event": ("Great to meet you at the {title}", """\
Hi {first_name},

Thank you for taking the time to talk with me at the {title} on {date}. I enjoyed \
hearing about:

{points}

I am very interested in the work at {company} and would love to stay in touch. \
I would be glad to share what I have been building, if it is useful to you.
""" + _SIGNATURE),
    "nudge": ("Following up: {title}", """\
Hi {first_name},

I wanted to follow up on my message of {date} about:

{points}

I know you are busy, so thank you for considering it. I am still very interested \
in {company} and would love to hear your thoughts whenever you have a moment.
""" + _SIGNATURE),
    "check-in": ("Checking in after our {kind}", """\
Hi {first_name},

Thank you again for the {kind} on {date}. I keep thinking about our conversation, \
especially:

{points}

I remain very excited about the opportunity at {company}. If an example of my \
work would help, I would be glad to send one.
""" + _SIGNATURE),
    "keep-in-touch": ("Catching up, {first_name}", """\
Hi {first_name},

It has been a while since we last spoke, and I wanted to say thank you again. I \
still think about what we discussed:

{points}

I would love to hear how things are going at {company}. I am always glad to help \
in return if I can.
""" + _SIGNATURE),
    "congratulate": ("Congratulations, {first_name}!", """\
Hi {first_name},

Congratulations on the news: {title}! I was delighted to hear it, and it \
brought back our conversation about:

{points}

Thank you again for all your help along the way. I am excited to see what you do \
at {company}, and I would love to stay in touch.
""" + _SIGNATURE),
    "scheduled": ("Following up, {first_name}", """\
Hi {first_name},

I wanted to follow up, as planned, on our last conversation about:

{points}

Thank you again for your time. I am still very interested in {company} and would \
love to hear how things are going.
""" + _SIGNATURE),
}
