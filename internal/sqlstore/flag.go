package sqlstore

import "fmt"

// boolCol scans a flag kept as INTEGER 0/1, the one form both engines share.
type boolCol struct{ b *bool }

func (c boolCol) Scan(v any) error {
	switch v := v.(type) {
	case int64:
		*c.b = v != 0
	case bool:
		*c.b = v
	case nil:
		*c.b = false
	default:
		return fmt.Errorf("scan flag: unsupported type %T", v)
	}
	return nil
}

// boolInt is the stored form of a flag.
func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
