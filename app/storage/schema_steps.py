"""The schema steps that only add tables, columns and indexes, as SQL statements (see
:mod:`app.storage.migrations`, which applies them in order)."""

from __future__ import annotations

NO_SLA = 9_223_372_036_854_775_807  # sorts conversations without an SLA last

# One message's share of the per-conversation KPI counters ({m}: its row; a provenance
# that is not valid JSON counts as none, never fails the write).
_PROVENANCE = "CASE WHEN json_valid({m}.provenance) THEN {m}.provenance END"
_MACHINE = f"coalesce({{m}}.kind = 'customer' OR json_extract({_PROVENANCE}, '$.kind') = 'mt', 0)"
_RATED = f"(json_extract({_PROVENANCE}, '$.confidence') IS NOT NULL)"
_LOW = f"coalesce(json_extract({_PROVENANCE}, '$.confidence') < 0.3, 0)"
_KPI_SUMS = (
    f"count(*), coalesce(sum({_MACHINE}), 0), coalesce(sum({_RATED}), 0), coalesce(sum({_LOW}), 0)"
)
_KPI_ADD = (
    "kpi_messages = kpi_messages {sign} 1,"
    f" kpi_machine = kpi_machine {{sign}} {_MACHINE},"
    f" kpi_rated = kpi_rated {{sign}} {_RATED},"
    f" kpi_low = kpi_low {{sign}} {_LOW}"
)


# Issue 11, the agent's working day: one step for every table the desk's new parts use.
V6_STATEMENTS = (
    # Who assigned, resolved, snoozed, held or tagged: quiet system lines in the thread.
    """CREATE TABLE conversation_events (
        id INTEGER PRIMARY KEY,
        conversation_id INTEGER NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
        kind TEXT NOT NULL,                       -- assigned, resolved, snoozed, held, tagged...
        actor_agent_id INTEGER REFERENCES agents(id),
        detail TEXT NOT NULL DEFAULT '{}',        -- JSON: what changed (tag, assignee, until)
        at INTEGER NOT NULL
    )""",
    "CREATE INDEX conversation_events_by_conversation ON conversation_events (conversation_id, at)",
    # Notes on the customer (not on one conversation).
    """CREATE TABLE customer_notes (
        id INTEGER PRIMARY KEY,
        uid TEXT NOT NULL UNIQUE,
        customer_id INTEGER NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
        author_agent_id INTEGER REFERENCES agents(id),
        body TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
    )""",
    "CREATE INDEX customer_notes_by_customer ON customer_notes (customer_id, created_at)",
    # Backend fields (order number, order status, plan...) and merges.
    "ALTER TABLE customers ADD COLUMN fields TEXT NOT NULL DEFAULT '{}'",
    "ALTER TABLE customers ADD COLUMN merged_into INTEGER REFERENCES customers(id)",
    "ALTER TABLE conversations ADD COLUMN fields TEXT NOT NULL DEFAULT '{}'",
    "ALTER TABLE conversations ADD COLUMN merged_into INTEGER REFERENCES conversations(id)",
    "CREATE INDEX customers_merged ON customers (merged_into) WHERE merged_into IS NOT NULL",
    "CREATE INDEX conversations_merged ON conversations (merged_into)"
    " WHERE merged_into IS NOT NULL",
    # Snooze until the customer replies (snoozed_until may then be NULL).
    "ALTER TABLE conversations ADD COLUMN snooze_until_reply INTEGER NOT NULL DEFAULT 0",
    # Attachments, both ways. A draft's attachment has no message yet; the file lives
    # beside the store (stored_path, relative to the attachments folder) once present.
    """CREATE TABLE attachments (
        id INTEGER PRIMARY KEY,
        uid TEXT NOT NULL UNIQUE,
        conversation_id INTEGER NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
        message_id INTEGER REFERENCES messages(id) ON DELETE CASCADE,
        filename TEXT NOT NULL,
        content_type TEXT NOT NULL,
        size INTEGER NOT NULL,
        sha256 TEXT NOT NULL,
        width INTEGER,
        height INTEGER,
        stored_path TEXT,
        remote_id TEXT,
        state TEXT NOT NULL DEFAULT 'local'
            CHECK (state IN ('draft', 'local', 'uploaded', 'remote', 'refused')),
        refused_reason TEXT,
        created_at INTEGER NOT NULL
    )""",
    "CREATE INDEX attachments_by_message ON attachments (message_id)",
    "CREATE INDEX attachments_by_conversation ON attachments (conversation_id, message_id)",
    # A held reply can be given to a colleague who writes the language.
    "ALTER TABLE messages ADD COLUMN held_for_agent_id INTEGER REFERENCES agents(id)",
    # Read receipts where the backend provides them.
    "ALTER TABLE messages ADD COLUMN read_at INTEGER",
    "CREATE INDEX messages_held ON messages (conversation_id) WHERE state = 'held'",
    # The queue counts: open and pending conversations by assignee and by deadline.
    "CREATE INDEX conversations_open_by_assignee ON conversations (assignee_id)"
    " WHERE status IN ('open', 'pending')",
    f"CREATE INDEX conversations_open_by_sla ON conversations (coalesce(sla_due_at, {NO_SLA}))"
    " WHERE status IN ('open', 'pending')",
    # @mentions in internal notes: the Mentions queue.
    """CREATE TABLE mentions (
        message_id INTEGER NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
        agent_id INTEGER NOT NULL REFERENCES agents(id) ON DELETE CASCADE,
        conversation_id INTEGER NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
        seen_at INTEGER,
        PRIMARY KEY (message_id, agent_id)
    ) WITHOUT ROWID""",
    "CREATE INDEX mentions_by_agent ON mentions (agent_id, seen_at, conversation_id)",
    # Saved views: a name for a combination of filters, per agent.
    """CREATE TABLE saved_views (
        id INTEGER PRIMARY KEY,
        uid TEXT NOT NULL UNIQUE,
        owner_agent_id INTEGER REFERENCES agents(id) ON DELETE CASCADE,
        name TEXT NOT NULL,
        filters TEXT NOT NULL,                    -- JSON, see app.domain.filters
        position INTEGER NOT NULL DEFAULT 0,
        shared INTEGER NOT NULL DEFAULT 0,
        updated_at INTEGER NOT NULL
    )""",
    "CREATE UNIQUE INDEX saved_views_by_owner ON saved_views (coalesce(owner_agent_id, 0), name)",
    # Canned replies: what they do besides inserting text, and when they are suggested.
    "ALTER TABLE macros ADD COLUMN actions TEXT NOT NULL DEFAULT '{}'",
    "ALTER TABLE macros ADD COLUMN suggest_when TEXT NOT NULL DEFAULT '{}'",
    # Message templates approved by the channel (WhatsApp), from the server.
    """CREATE TABLE message_templates (
        id INTEGER PRIMARY KEY,
        uid TEXT NOT NULL UNIQUE,
        name TEXT NOT NULL,
        channel TEXT NOT NULL,
        language TEXT NOT NULL,
        body TEXT NOT NULL,
        variables TEXT NOT NULL DEFAULT '[]',     -- JSON list of placeholder names
        updated_at INTEGER NOT NULL
    )""",
)


# Issue 12, team leads: reviews, annotations, scorecards on a team rubric, survey answers,
# what the draft check showed when a reply was sent, and roles.
V7_STATEMENTS = (
    "ALTER TABLE agents ADD COLUMN roles TEXT NOT NULL DEFAULT '[\"agent\"]'",  # JSON list
    # The draft checker's findings shown when the reply was sent (JSON list), for review.
    "ALTER TABLE messages ADD COLUMN sent_findings TEXT",
    # Customer surveys: CSAT (1-5), NPS (0-10), CES (1-7), one row per answer.
    """CREATE TABLE survey_answers (
        id INTEGER PRIMARY KEY,
        uid TEXT NOT NULL UNIQUE,
        conversation_id INTEGER NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
        kind TEXT NOT NULL CHECK (kind IN ('csat', 'nps', 'ces')),
        score INTEGER NOT NULL,
        comment TEXT NOT NULL DEFAULT '',
        answered_at INTEGER NOT NULL
    )""",
    "CREATE INDEX survey_answers_by_conversation ON survey_answers (conversation_id)",
    "CREATE INDEX survey_answers_by_time ON survey_answers (kind, answered_at)",
    # The team's QA rubric (criteria, weights, scale, per-region weights: JSON), versioned.
    """CREATE TABLE rubrics (
        id INTEGER PRIMARY KEY,
        uid TEXT NOT NULL UNIQUE,
        name TEXT NOT NULL,
        criteria TEXT NOT NULL,
        updated_at INTEGER NOT NULL,
        version INTEGER NOT NULL DEFAULT 1,
        server_version INTEGER
    )""",
    # A lead's review of one conversation: the scorecard (JSON scores per criterion).
    """CREATE TABLE reviews (
        id INTEGER PRIMARY KEY,
        uid TEXT NOT NULL UNIQUE,
        conversation_id INTEGER NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
        reviewer_agent_id INTEGER REFERENCES agents(id),
        reviewed_agent_id INTEGER REFERENCES agents(id),
        rubric_uid TEXT,
        scores TEXT NOT NULL DEFAULT '{}',
        total REAL,
        comment TEXT NOT NULL DEFAULT '',
        state TEXT NOT NULL DEFAULT 'draft' CHECK (state IN ('draft', 'done')),
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        version INTEGER NOT NULL DEFAULT 1,
        server_version INTEGER
    )""",
    "CREATE INDEX reviews_by_conversation ON reviews (conversation_id)",
    "CREATE INDEX reviews_by_reviewed ON reviews (reviewed_agent_id, updated_at)",
    # Per-message annotations by a reviewer.
    """CREATE TABLE annotations (
        id INTEGER PRIMARY KEY,
        uid TEXT NOT NULL UNIQUE,
        conversation_id INTEGER NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
        message_id INTEGER NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
        author_agent_id INTEGER REFERENCES agents(id),
        kind TEXT NOT NULL CHECK (kind IN ('mistranslation', 'agent_error', 'etiquette',
            'tone', 'praise', 'note')),
        severity TEXT NOT NULL DEFAULT 'minor' CHECK (severity IN ('minor', 'major', 'critical')),
        body TEXT NOT NULL DEFAULT '',
        correction TEXT,                          -- mistranslation: the corrected translation
        reference TEXT,                           -- etiquette: the profile or rule it concerns
        promoted TEXT,                            -- 'memory' / 'glossary' once promoted
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        version INTEGER NOT NULL DEFAULT 1,
        server_version INTEGER
    )""",
    "CREATE INDEX annotations_by_conversation ON annotations (conversation_id, message_id)",
    "CREATE INDEX annotations_by_kind ON annotations (kind, created_at)",
    # KPIs: first response and resolution times per conversation, kept as they happen.
    "ALTER TABLE conversations ADD COLUMN first_response_at INTEGER",
    "ALTER TABLE conversations ADD COLUMN resolved_at INTEGER",
    "ALTER TABLE conversations ADD COLUMN reopen_count INTEGER NOT NULL DEFAULT 0",
    # KPIs: messages by time (periods), and the demand heat map kept as it happens: customer
    # messages per (quarter hour, customer time zone) - every UTC offset and every change of
    # one falls on a quarter hour, so each bucket's local hour is exact.
    "CREATE INDEX messages_by_time ON messages (created_at, kind, conversation_id)",
    "CREATE INDEX conversations_for_kpis ON conversations (created_at, status, country, channel,"
    " language_primary, assignee_id, first_response_at, resolved_at, reopen_count, sla_due_at,"
    " customer_id)",
    """CREATE TABLE demand_quarters (
        quarter INTEGER NOT NULL,                  -- created_at / 900
        timezone TEXT NOT NULL,                    -- the customer's, when the message came
        messages INTEGER NOT NULL,
        PRIMARY KEY (quarter, timezone)
    ) WITHOUT ROWID""",
    "INSERT INTO demand_quarters SELECT m.created_at / 900, cu.timezone, count(*) FROM messages m"
    " JOIN conversations c ON c.id = m.conversation_id JOIN customers cu ON cu.id = c.customer_id"
    " WHERE m.kind = 'customer' GROUP BY 1, 2",
    """CREATE TRIGGER demand_on_customer_message AFTER INSERT ON messages
    WHEN NEW.kind = 'customer' BEGIN
        INSERT INTO demand_quarters (quarter, timezone, messages)
        SELECT NEW.created_at / 900, cu.timezone, 1 FROM conversations c
        JOIN customers cu ON cu.id = c.customer_id WHERE c.id = NEW.conversation_id
        ON CONFLICT (quarter, timezone) DO UPDATE SET messages = messages + 1;
    END""",
    """CREATE TRIGGER demand_off_customer_message AFTER DELETE ON messages
    WHEN OLD.kind = 'customer' BEGIN
        UPDATE demand_quarters SET messages = messages - 1
        WHERE quarter = OLD.created_at / 900 AND timezone = (SELECT cu.timezone
            FROM conversations c JOIN customers cu ON cu.id = c.customer_id
            WHERE c.id = OLD.conversation_id);
    END""",
    # KPIs per language pair, kept per conversation as messages come and change: customer and
    # agent messages, machine-translated ones (a customer message is read through MT; a reply
    # when its provenance says 'mt'), those with a recorded confidence, those below 0.3
    # (app.domain.kpis.LOW_CONFIDENCE).
    "ALTER TABLE conversations ADD COLUMN kpi_messages INTEGER NOT NULL DEFAULT 0",
    "ALTER TABLE conversations ADD COLUMN kpi_machine INTEGER NOT NULL DEFAULT 0",
    "ALTER TABLE conversations ADD COLUMN kpi_rated INTEGER NOT NULL DEFAULT 0",
    "ALTER TABLE conversations ADD COLUMN kpi_low INTEGER NOT NULL DEFAULT 0",
    "UPDATE conversations SET (kpi_messages, kpi_machine, kpi_rated, kpi_low) = (SELECT"
    f" {_KPI_SUMS.format(m='m')} FROM messages m WHERE m.conversation_id = conversations.id"
    " AND m.kind IN ('customer', 'agent'))",
    f"""CREATE TRIGGER kpi_on_message AFTER INSERT ON messages
    WHEN NEW.kind IN ('customer', 'agent') BEGIN
        UPDATE conversations SET {_KPI_ADD.format(sign="+", m="NEW")}
        WHERE id = NEW.conversation_id;
    END""",
    f"""CREATE TRIGGER kpi_off_message AFTER DELETE ON messages
    WHEN OLD.kind IN ('customer', 'agent') BEGIN
        UPDATE conversations SET {_KPI_ADD.format(sign="-", m="OLD")}
        WHERE id = OLD.conversation_id;
    END""",
    f"""CREATE TRIGGER kpi_change_message AFTER UPDATE OF kind, provenance, conversation_id
    ON messages BEGIN
        UPDATE conversations SET {_KPI_ADD.format(sign="-", m="OLD")}
        WHERE id = OLD.conversation_id AND OLD.kind IN ('customer', 'agent');
        UPDATE conversations SET {_KPI_ADD.format(sign="+", m="NEW")}
        WHERE id = NEW.conversation_id AND NEW.kind IN ('customer', 'agent');
    END""",
    # Review queues (a new agent's first conversations) and KPIs per agent.
    "CREATE INDEX messages_by_agent ON messages (author_agent_id, created_at, conversation_id)"
    " WHERE kind = 'agent' AND state = 'sent'",
    # Filled once from what the store holds (afterwards the writes keep them).
    "UPDATE conversations SET first_response_at = (SELECT min(m.created_at) FROM messages m"
    " WHERE m.conversation_id = conversations.id AND m.kind = 'agent' AND m.state = 'sent')",
    "UPDATE conversations SET resolved_at = updated_at WHERE status = 'resolved'",
    # Reviews, annotations and the rubric are written to the server through the outbox too:
    # the outbox's list of operations widens (the table is rebuilt; nothing refers to it).
    """CREATE TABLE outbox_v7 (
        id INTEGER PRIMARY KEY,
        conversation_uid TEXT NOT NULL,            -- '' for the rubric
        op TEXT NOT NULL CHECK (op IN ('send_message', 'patch', 'put_review',
            'put_annotation', 'delete_annotation', 'put_rubric')),
        payload TEXT NOT NULL,
        base_version INTEGER,
        idempotency_key TEXT NOT NULL UNIQUE,
        message_uid TEXT,
        state TEXT NOT NULL DEFAULT 'pending'
            CHECK (state IN ('pending', 'needs_attention', 'conflict')),
        attempts INTEGER NOT NULL DEFAULT 0,
        next_attempt_at INTEGER NOT NULL DEFAULT 0,
        last_error TEXT,
        conflict TEXT,
        created_at INTEGER NOT NULL
    )""",
    "INSERT INTO outbox_v7 SELECT * FROM outbox",
    "DROP TABLE outbox",
    "ALTER TABLE outbox_v7 RENAME TO outbox",
    "CREATE INDEX outbox_by_state ON outbox (state, id)",
)


# Issue 13, sync throughput. v7's demand_off_customer_message never counted a conversation's
# messages out when the conversation was deleted (the server's tombstone): they go by ON
# DELETE CASCADE after the conversation row, so the customer's time zone is no longer found
# and the heat map kept counting them. They now leave it just before the conversation goes,
# and the heat map is counted once more from what the store holds.
V8_STATEMENTS = (
    """CREATE TRIGGER demand_off_conversation BEFORE DELETE ON conversations BEGIN
        UPDATE demand_quarters SET messages = messages - gone.n FROM (
            SELECT m.created_at / 900 AS quarter, cu.timezone AS timezone, count(*) AS n
            FROM messages m JOIN customers cu ON cu.id = OLD.customer_id
            WHERE m.conversation_id = OLD.id AND m.kind = 'customer' GROUP BY 1, 2) AS gone
        WHERE demand_quarters.quarter = gone.quarter AND demand_quarters.timezone = gone.timezone;
    END""",
    "DELETE FROM demand_quarters",
    "INSERT INTO demand_quarters SELECT m.created_at / 900, cu.timezone, count(*) FROM messages m"
    " JOIN conversations c ON c.id = m.conversation_id JOIN customers cu ON cu.id = c.customer_id"
    " WHERE m.kind = 'customer' GROUP BY 1, 2",
)

# A sync page's messages are inserted with the two insert triggers set aside (a trigger runs
# its program for every row, whatever its WHEN says: most of what v7 cost a sync);
# per trigger, what it would have added for the page's messages (ids :first to :last), in one
# statement over the page's quarters / conversations. Same expressions as the triggers, so
# the figures are the same. NOT INDEXED: the page is a rowid range; an index chosen for the
# GROUP BY would read the whole table.
PAGE_ROLLUPS = {
    "demand_on_customer_message": "INSERT INTO demand_quarters (quarter, timezone, messages)"
    " SELECT m.created_at / 900, cu.timezone, count(*) FROM messages m NOT INDEXED"
    " JOIN conversations c ON c.id = m.conversation_id JOIN customers cu ON cu.id = c.customer_id"
    " WHERE m.id BETWEEN :first AND :last AND m.kind = 'customer' GROUP BY 1, 2"
    " ON CONFLICT (quarter, timezone) DO UPDATE SET messages = messages + excluded.messages",
    "kpi_on_message": "WITH p (id, n, machine, rated, low) AS (SELECT m.conversation_id,"
    f" {_KPI_SUMS.format(m='m')} FROM messages m NOT INDEXED WHERE m.id BETWEEN :first AND :last"
    " AND m.kind IN ('customer', 'agent') GROUP BY m.conversation_id)"
    " UPDATE conversations SET kpi_messages = kpi_messages + p.n,"
    " kpi_machine = kpi_machine + p.machine, kpi_rated = kpi_rated + p.rated,"
    " kpi_low = kpi_low + p.low FROM p WHERE conversations.id = p.id",
}

# Issue 13, trainers: the scenarios trainers saved in the app (their YAML text), the
# scenarios given to trainees and the trainees' finished attempts. A practice conversation
# itself is never stored (nothing typed in training can reach a customer): only the attempt.
V9_STATEMENTS = (
    """CREATE TABLE training_scenarios (
        id INTEGER PRIMARY KEY,
        uid TEXT NOT NULL UNIQUE,                 -- the scenario id (its YAML's `id`)
        body TEXT NOT NULL,                       -- the YAML text as the trainer saved it
        updated_at INTEGER NOT NULL,
        updated_by INTEGER REFERENCES agents(id),
        deleted INTEGER NOT NULL DEFAULT 0,       -- deleted here; the server is not told yet
        version INTEGER NOT NULL DEFAULT 1,
        server_version INTEGER
    )""",
    """CREATE TABLE training_assignments (
        id INTEGER PRIMARY KEY,
        uid TEXT NOT NULL UNIQUE,
        scenario_id TEXT NOT NULL,
        trainee_agent_id INTEGER NOT NULL REFERENCES agents(id),
        assigned_by_agent_id INTEGER REFERENCES agents(id),
        due_at INTEGER,
        options TEXT NOT NULL DEFAULT '{}',       -- JSON: translation, etiquette, clock_speed
        state TEXT NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'done', 'cancelled')),
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        version INTEGER NOT NULL DEFAULT 1,
        server_version INTEGER
    )""",
    "CREATE INDEX training_assignments_by_trainee ON training_assignments"
    " (trainee_agent_id, state, due_at)",
    """CREATE TABLE training_attempts (
        id INTEGER PRIMARY KEY,
        uid TEXT NOT NULL UNIQUE,
        scenario_id TEXT NOT NULL,
        scenario_version INTEGER NOT NULL,
        trainee_agent_id INTEGER REFERENCES agents(id),
        trainee_language TEXT NOT NULL CHECK (trainee_language IN ('en', 'zh')),
        started_at INTEGER NOT NULL,
        finished_at INTEGER NOT NULL,
        ending_id TEXT NOT NULL,
        end_state TEXT NOT NULL CHECK (end_state IN ('resolved', 'escalated', 'left')),
        outcome TEXT NOT NULL CHECK (outcome IN ('success', 'partial', 'failure')),
        score REAL NOT NULL CHECK (score BETWEEN 0 AND 100),
        criteria TEXT NOT NULL DEFAULT '{}',      -- JSON: criterion key -> points
        path TEXT NOT NULL DEFAULT '[]',          -- JSON: turn and ending ids, in order
        transcript_json TEXT NOT NULL DEFAULT '{}'
            CHECK (length(transcript_json) <= 400000),  -- app.domain.training.MAX_TRANSCRIPT_JSON
        options TEXT NOT NULL DEFAULT '{}',
        assignment_uid TEXT,
        server_version INTEGER                    -- NULL until the server has it (never edited)
    )""",
    "CREATE INDEX training_attempts_by_trainee ON training_attempts"
    " (trainee_agent_id, finished_at)",
    "CREATE INDEX training_attempts_by_scenario ON training_attempts (scenario_id, finished_at)",
    # Training records are written to the server through the outbox too: its list of
    # operations widens again (the table is rebuilt; nothing refers to it).
    """CREATE TABLE outbox_v9 (
        id INTEGER PRIMARY KEY,
        conversation_uid TEXT NOT NULL,            -- 'training:<id>' for training records
        op TEXT NOT NULL CHECK (op IN ('send_message', 'patch', 'put_review',
            'put_annotation', 'delete_annotation', 'put_rubric', 'put_training_scenario',
            'delete_training_scenario', 'put_training_assignment', 'put_training_attempt')),
        payload TEXT NOT NULL,
        base_version INTEGER,
        idempotency_key TEXT NOT NULL UNIQUE,
        message_uid TEXT,
        state TEXT NOT NULL DEFAULT 'pending'
            CHECK (state IN ('pending', 'needs_attention', 'conflict')),
        attempts INTEGER NOT NULL DEFAULT 0,
        next_attempt_at INTEGER NOT NULL DEFAULT 0,
        last_error TEXT,
        conflict TEXT,
        created_at INTEGER NOT NULL
    )""",
    "INSERT INTO outbox_v9 SELECT * FROM outbox",
    "DROP TABLE outbox",
    "ALTER TABLE outbox_v9 RENAME TO outbox",
    "CREATE INDEX outbox_by_state ON outbox (state, id)",
)


# Issue 17, data-subject requests: what a customer asked, under which law, by when, and
# (once done) the counts of what was exported or erased. After an erasure the row keeps no
# personal data: the customer row is gone (customer_id set NULL), the opaque uid, country,
# law, dates and counts stay. The erasure is sent to the server through the outbox.
V11_STATEMENTS = (
    """CREATE TABLE data_requests (
        id INTEGER PRIMARY KEY,
        uid TEXT NOT NULL UNIQUE,
        kind TEXT NOT NULL CHECK (kind IN ('access', 'correct', 'export', 'erase')),
        customer_id INTEGER REFERENCES customers(id) ON DELETE SET NULL,
        customer_uid TEXT,                        -- the server's opaque id, kept after erasure
        country TEXT NOT NULL DEFAULT '',
        timezone TEXT NOT NULL DEFAULT 'UTC',     -- the deadline is counted in it
        law_en TEXT NOT NULL DEFAULT '',
        law_zh TEXT NOT NULL DEFAULT '',
        source_url TEXT,
        rule TEXT NOT NULL DEFAULT '{}',          -- JSON, app.domain.data_requests.DeadlineRule
        opened_at INTEGER NOT NULL,
        opened_by INTEGER REFERENCES agents(id),
        due_at INTEGER NOT NULL,
        extended_due_at INTEGER,                  -- set once the deadline was extended
        status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'fulfilled', 'cancelled')),
        fulfilled_at INTEGER,                     -- fulfilled or cancelled
        fulfilled_by INTEGER REFERENCES agents(id),
        note TEXT NOT NULL DEFAULT '' CHECK (length(note) <= 2000),
        outcome TEXT NOT NULL DEFAULT '{}',       -- JSON counts only (what was erased/exported)
        updated_at INTEGER NOT NULL
    )""",
    "CREATE INDEX data_requests_by_due ON data_requests"
    " (status, coalesce(extended_due_at, due_at))",
    "CREATE INDEX data_requests_by_customer ON data_requests (customer_id)",
    # The client asks the server to erase a customer through the outbox: one more operation.
    """CREATE TABLE outbox_v11 (
        id INTEGER PRIMARY KEY,
        conversation_uid TEXT NOT NULL,            -- 'customer:<uid>' for an erasure
        op TEXT NOT NULL CHECK (op IN ('send_message', 'patch', 'put_review',
            'put_annotation', 'delete_annotation', 'put_rubric', 'put_training_scenario',
            'delete_training_scenario', 'put_training_assignment', 'put_training_attempt',
            'customer.erase')),
        payload TEXT NOT NULL,
        base_version INTEGER,
        idempotency_key TEXT NOT NULL UNIQUE,
        message_uid TEXT,
        state TEXT NOT NULL DEFAULT 'pending'
            CHECK (state IN ('pending', 'needs_attention', 'conflict')),
        attempts INTEGER NOT NULL DEFAULT 0,
        next_attempt_at INTEGER NOT NULL DEFAULT 0,
        last_error TEXT,
        conflict TEXT,
        created_at INTEGER NOT NULL
    )""",
    "INSERT INTO outbox_v11 SELECT * FROM outbox",
    "DROP TABLE outbox",
    "ALTER TABLE outbox_v11 RENAME TO outbox",
    "CREATE INDEX outbox_by_state ON outbox (state, id)",
)
