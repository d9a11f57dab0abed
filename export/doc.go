// Package export writes Relais data out: PDFs (proposals now; reports,
// agendas and run-sheets reuse the same base), list exports to CSV and XLSX,
// contacts to vCard, the whole database as a folder of CSV files with a JSON
// manifest, and the hand-off helpers around documents (print through CUPS,
// open in the system viewer, e-mail drafts).
//
// Every Relais PDF is built on Doc (pdf.go): A4 or Letter, the DejaVu fonts
// embedded from assets with full UTF-8, the company letterhead from the
// settings, "Page X/Y" and legal mentions in the footer, title and author
// metadata, and tables whose header repeats on every page and whose cells
// wrap instead of overflowing. A document is rendered from plain data with no
// clock inside, so the same data always gives the same bytes.
//
// Loading (store → document data, e.g. LoadProposal) is kept apart from
// rendering (data → PDF, e.g. WriteProposalPDF) so that the CLI and the UI
// share both, and tests can render data they build by hand.
//
// The package imports model and assets, never Fyne: the CLI renders PDFs on
// a machine with no display.
package export
