//go:build race

package backup_test

// raceEnabled reports a build with the race detector, under which the pure-Go SQLite
// runs some fifty times slower: the 100,000-booking runs then use a small
// database, and scripts/checks/50-backup.sh runs them at full size without the detector.
const raceEnabled = true
