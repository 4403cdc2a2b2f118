"""Offline practice scenarios: a simulated customer from another culture, played in memory.

Qt-free and storage-free. A scenario is a validated data file (:mod:`app.training.schema`)
describing a small state machine of customer turns; :mod:`app.training.engine` plays it
against the trainee's replies (intents from :mod:`app.training.intents`, findings from the
real draft checker bound by the operations), :mod:`app.training.scoring` scores the play on
the team's QA rubric and :mod:`app.training.report` turns it into the debrief's JSON. A
practice conversation is never stored as a conversation: nothing typed here can reach a
real customer.
"""
