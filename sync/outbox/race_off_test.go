//go:build !race

package outbox_test

const raceOn = false
