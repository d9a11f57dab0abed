package outbox

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/zalando/go-keyring"
)

// Secrets keeps the hub token out of the SQLite file (which gets backed up,
// copied and mailed around) and out of logs.
type Secrets interface {
	Get(key string) (string, error) // "" and no error when nothing is stored
	Set(key, value string) error
	Delete(key string) error
	// Where says, for the user, where the token is kept.
	Where() string
}

// keyringService names Relais' entries in the OS keyring.
const keyringService = "Relais hub"

type keyringSecrets struct{}

func (keyringSecrets) Get(key string) (string, error) {
	v, err := keyring.Get(keyringService, key)
	if errors.Is(err, keyring.ErrNotFound) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("outbox: read the token from the keyring: %w", err)
	}
	return v, nil
}

func (keyringSecrets) Set(key, value string) error {
	if err := keyring.Set(keyringService, key, value); err != nil {
		return fmt.Errorf("outbox: save the token in the keyring: %w", err)
	}
	return nil
}

func (keyringSecrets) Delete(key string) error {
	if err := keyring.Delete(keyringService, key); err != nil && !errors.Is(err, keyring.ErrNotFound) {
		return fmt.Errorf("outbox: remove the token from the keyring: %w", err)
	}
	return nil
}

func (keyringSecrets) Where() string { return "the system keyring" }

// FileSecrets keeps secrets in one file readable only by its owner (0600),
// one "key<TAB>value" per line, for machines without a keyring service.
type FileSecrets struct{ Path string }

func (f FileSecrets) read() (map[string]string, error) {
	b, err := os.ReadFile(f.Path)
	if errors.Is(err, os.ErrNotExist) {
		return map[string]string{}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("outbox: read %s: %w", f.Path, err)
	}
	m := map[string]string{}
	for _, line := range strings.Split(string(b), "\n") {
		if k, v, ok := strings.Cut(line, "\t"); ok {
			m[k] = v
		}
	}
	return m, nil
}

func (f FileSecrets) write(m map[string]string) error {
	var b strings.Builder
	for k, v := range m {
		b.WriteString(k + "\t" + v + "\n")
	}
	tmp := f.Path + ".tmp"
	if err := os.WriteFile(tmp, []byte(b.String()), 0o600); err != nil {
		return fmt.Errorf("outbox: write %s: %w", f.Path, err)
	}
	// WriteFile keeps the mode of an existing file: make sure.
	if err := os.Chmod(tmp, 0o600); err != nil {
		return fmt.Errorf("outbox: write %s: %w", f.Path, err)
	}
	if err := os.Rename(tmp, f.Path); err != nil {
		return fmt.Errorf("outbox: write %s: %w", f.Path, err)
	}
	return nil
}

// Get implements Secrets.
func (f FileSecrets) Get(key string) (string, error) {
	m, err := f.read()
	return m[key], err
}

// Set implements Secrets.
func (f FileSecrets) Set(key, value string) error {
	if strings.ContainsAny(key+value, "\t\n") {
		return errors.New("outbox: a secret cannot contain tabs or line breaks")
	}
	m, err := f.read()
	if err != nil {
		return err
	}
	m[key] = value
	return f.write(m)
}

// Delete implements Secrets.
func (f FileSecrets) Delete(key string) error {
	m, err := f.read()
	if err != nil {
		return err
	}
	delete(m, key)
	return f.write(m)
}

// Where implements Secrets.
func (f FileSecrets) Where() string {
	return "the file " + f.Path + " (readable only by you; no system keyring is running)"
}

// DefaultSecrets returns the OS keyring when one answers, otherwise a 0600
// file beside the database (dbPath + ".secrets"), as on a headless machine.
func DefaultSecrets(dbPath string) Secrets {
	// Get on a missing entry tells a working keyring (ErrNotFound) from an
	// absent one (any other error) without writing anything.
	if _, err := keyring.Get(keyringService, "probe"); err == nil || errors.Is(err, keyring.ErrNotFound) {
		return keyringSecrets{}
	}
	abs, err := filepath.Abs(dbPath)
	if err != nil {
		abs = dbPath
	}
	return FileSecrets{Path: abs + ".secrets"}
}

// tokenKey is the secret's key for one database, so two databases on one
// machine (two coordinators, or a test copy) keep their own tokens.
func tokenKey(dbPath string) string {
	abs, err := filepath.Abs(dbPath)
	if err != nil {
		abs = dbPath
	}
	return "token:" + abs
}
