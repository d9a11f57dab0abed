package model

import (
	"context"
	"fmt"
)

// RenewDevice gives this database a new sync identity, keeping its outbox
// and numbering. The sync client calls it when the hub has bound the
// current id to another user before this laptop's first accepted push: the
// id is only a namespace for sequence numbers, so a fresh one loses nothing.
func (s *Store) RenewDevice(ctx context.Context) (Device, error) {
	id := NewID()
	if _, err := s.w.ExecContext(ctx, `UPDATE device SET id = ?`, id); err != nil {
		return s.device, fmt.Errorf("model: renew the device identity of %s: %w", s.path, err)
	}
	s.device.ID = id
	return s.device, nil
}
