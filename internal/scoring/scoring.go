// Package scoring holds the default Score of the classical estimators on float64 slices:
// accuracy for classifiers and R² for regressors, computed as scikit-learn does.
package scoring

// Accuracy is the fraction of yPred equal to yTrue (same lengths, at least one value).
func Accuracy(yTrue, yPred []float64) float64 {
	hit := 0
	for i, p := range yPred {
		if p == yTrue[i] {
			hit++
		}
	}
	return float64(hit) / float64(len(yTrue))
}

// R2 is scikit-learn's r2_score for one target: 1 − SS_res/SS_tot; a constant yTrue scores
// 1 when predicted exactly, else 0.
func R2(yTrue, yPred []float64) float64 {
	mean := 0.0
	for _, v := range yTrue {
		mean += v
	}
	mean /= float64(len(yTrue))
	res, tot := 0.0, 0.0
	for i, v := range yTrue {
		res += (v - yPred[i]) * (v - yPred[i])
		tot += (v - mean) * (v - mean)
	}
	switch {
	case tot != 0:
		return 1 - res/tot
	case res == 0:
		return 1
	default:
		return 0
	}
}
