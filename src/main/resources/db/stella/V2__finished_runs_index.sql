-- Retention reads the finished runs, oldest first, after every run: with this index it reads only them, in order,
-- instead of every run and a sort (with 120,000 queued runs and 300 finished: 32 ms -> 0.3 ms).
create index runs_finished_oldest_first on runs (created_at, id) where state not in ('queued', 'running', 'interrupted');
