// Package model holds Relais' domain types, their validation, and the SQLite
// store that keeps them: migrations, the outbox of changes waiting to sync,
// full-text search, backup and integrity checks.
//
// Every record is a Go struct whose fields carry `db` tags. One generic,
// reflection-driven layer (kinds.go, codec.go) maps those structs to table rows
// and to the JSON field maps that travel through the outbox, so that create,
// update, delete, restore and remote apply share one code path for every
// entity, and the sync packages can merge field by field without knowing the
// entity's Go type.
//
// The package imports only the standard library and go-sqlite3; it never
// imports Fyne, so the CLI and the hub run without a display.
package model
