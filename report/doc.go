// Package report computes the figures of Relais' reports — the monthly sales
// report, sales trends with a forecast, the trade-show report and the sales
// meeting agenda — as pure functions over the store: they read through
// model.Querier with SQL aggregation and return plain data, which the
// dashboard screen (ui), the PDF, XLSX and CSV writers (export) and the CLI
// present. It imports model only.
package report
