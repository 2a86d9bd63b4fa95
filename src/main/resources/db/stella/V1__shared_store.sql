-- The shared run store (stella.store.url): runs, their deliveries, their claims and the release history.
-- The rules that decide what a request becomes are database constraints, so they hold across instances.

create table runs (
    id               text        primary key,
    kind             text        not null,
    tag              text        not null,
    version          text        not null,
    -- what the run writes (a suite version, a module's version, a rollback target): RunRegistry.releaseKey
    release_key      text        not null,
    dry_run          boolean     not null,
    -- from a pushed tag (a webhook): one run per tag
    pushed           boolean     not null,
    state            text        not null check (state in ('queued', 'running', 'succeeded', 'failed', 'interrupted')),
    created_at       timestamptz not null,
    record           jsonb       not null,
    -- the claim: which instance executes the run, until when, and the fencing token of every write it makes
    owner            text,
    lease_generation bigint      not null default 0,
    lease_expires_at timestamptz,
    -- the pipeline's state (what state.json holds), saved after every stage
    pipeline_state   jsonb
);

-- One run per pushed tag (per lane: a dry run never stands in for a real one).
create unique index runs_one_per_pushed_tag on runs (tag, dry_run) where pushed;
-- One active run per release (per lane).
create unique index runs_one_active_per_release on runs (release_key, dry_run)
    where state in ('queued', 'running', 'interrupted');
create index runs_newest_first on runs (created_at desc, id desc);
create index runs_by_tag on runs (tag, dry_run, created_at desc);
create index runs_active on runs (created_at) where state in ('queued', 'running', 'interrupted');

-- Every delivery (webhook delivery id, dispatch message id) is one run's, once.
create table deliveries (
    delivery    text        primary key,
    run_id      text        not null references runs (id) on delete cascade,
    received_at timestamptz not null default now()
);
create index deliveries_by_run on deliveries (run_id);

-- Each claim of a run: by whom, when, taken over from whom, its lease generation, its renewals and its end.
create table attempts (
    id             bigserial   primary key,
    run_id         text        not null references runs (id) on delete cascade,
    instance       text        not null,
    event          text        not null check (event in ('claimed', 'taken-over')),
    previous_owner text,
    generation     bigint      not null,
    claimed_at     timestamptz not null default now(),
    renewed_at     timestamptz,
    renewals       integer     not null default 0,
    ended_at       timestamptz,
    unique (run_id, generation)
);

-- The release history: every released manifest, as released.
create table history (
    kind        text        not null check (kind in ('suite', 'module')),
    tag         text        not null,
    manifest    bytea       not null,
    recorded_at timestamptz not null default now(),
    primary key (kind, tag)
);
