package sqlstore

import (
	"context"
	"database/sql"
	"sync"
)

// maxPrepared bounds the statements preparedReads keeps. The store's SQL is built from
// constants and a few optional conditions, so the distinct texts number in the dozens;
// the bound only guards against a future caller building SQL from data.
const maxPrepared = 512

// preparedReads is a queryer over a read pool that prepares each distinct query text
// once and reuses the statement (database/sql prepares it again on each connection it
// lands on, once). SQLite parses and plans every unprepared query anew: a profile of an
// authenticated read on SQLite showed a fifth of the CPU in sqlite3Prepare. PostgreSQL's
// driver (pgx) caches prepared statements itself and does not need this.
type preparedReads struct {
	db *sql.DB

	mu    sync.RWMutex
	stmts map[string]*sql.Stmt
}

func newPreparedReads(db *sql.DB) *preparedReads {
	return &preparedReads{db: db, stmts: make(map[string]*sql.Stmt)}
}

// stmt returns the prepared statement for query, or nil when it cannot be prepared or
// the cache is full (the caller then runs the query unprepared, which reports any error).
func (p *preparedReads) stmt(ctx context.Context, query string) *sql.Stmt {
	p.mu.RLock()
	st := p.stmts[query]
	p.mu.RUnlock()
	if st != nil {
		return st
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if st := p.stmts[query]; st != nil {
		return st
	}
	if len(p.stmts) >= maxPrepared {
		return nil
	}
	// Detached from ctx: the statement outlives this request.
	st, err := p.db.PrepareContext(context.WithoutCancel(ctx), query)
	if err != nil {
		return nil
	}
	p.stmts[query] = st
	return st
}

func (p *preparedReads) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if st := p.stmt(ctx, query); st != nil {
		return st.QueryContext(ctx, args...)
	}
	return p.db.QueryContext(ctx, query, args...)
}

func (p *preparedReads) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	if st := p.stmt(ctx, query); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return p.db.QueryRowContext(ctx, query, args...)
}

func (p *preparedReads) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	return p.db.ExecContext(ctx, query, args...)
}

// close releases the statements.
func (p *preparedReads) close() {
	p.mu.Lock()
	defer p.mu.Unlock()
	for q, st := range p.stmts {
		st.Close()
		delete(p.stmts, q)
	}
}
