// Package widgets holds Relais' own Fyne widgets, independent of the store:
// an entry that reports Escape and arrow keys, a page cache that lets a
// virtualised list show 100 000 rows read from SQLite a page at a time, and a
// key chooser for two-keystroke commands. Each is self-contained and tested
// on its own with fyne.io/fyne/v2/test.
package widgets
