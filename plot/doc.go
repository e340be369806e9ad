// Package plot draws the figures of a machine-learning report on gonum/plot: training
// curves, decision boundaries, confusion matrices, ROC and precision–recall curves,
// scatter plots, histograms, image grids and heat-map overlays.
//
// Rules:
//   - Every function checks its inputs and returns a *Figure or an error (never a panic on
//     bad input: NaN, wrong shapes, unknown settings); nothing is drawn until Save or Render.
//   - A Figure is saved as PNG or SVG by its file extension; Save writes atomically and
//     fails, naming it, when the folder does not exist.
//   - Options (Title, Size, DPI, …) are shared by all functions; each function documents
//     the ones it reads and ignores the rest. Sizes are in inches, PNGs 100 dpi by default.
//   - Labels are class indices 0, 1, …; classes keep one colour across figures (matplotlib's
//     tab10), binary probabilities use a blue–white–red scale centred on 0.5.
//   - Curves follow scikit-learn 1.2: ROCCurve is roc_curve (drop_intermediate=True),
//     PrecisionRecallCurve is precision_recall_curve, AveragePrecision is
//     average_precision_score, NormalizeMatrix is confusion_matrix's normalize.
//
// DecisionBoundary takes a PredictFunc, so it works for nn modules (wrap them with
// ModuleProba) and classical estimators (their PredictProba or Predict) alike.
//
// The README's sample figures in docs/img are drawn, deterministically, by
//
//	go run ./plot/internal/gendocs
package plot
