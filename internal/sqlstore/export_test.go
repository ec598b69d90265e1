package sqlstore

// SetBetweenSearchReads makes SearchRides call f after ranking the candidates and before
// reading the page's rides whole.
func (s *Store) SetBetweenSearchReads(f func()) { s.betweenSearchReads = f }
