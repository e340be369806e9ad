package metrics

import (
	"fmt"
	"math"
	"slices"

	"github.com/ember-ml/ember/tensor"
)

// ROCAUC returns the area under the ROC curve of binary labels yTrue (0/1, or the larger of
// two labels as positive) ranked by scores, with ties counted half, like roc_auc_score.
func ROCAUC(yTrue, scores *tensor.Tensor) (float64, error) {
	y, err := Labels(yTrue)
	if err != nil {
		return 0, err
	}
	s := scores.Float64s()
	if len(s) != len(y) {
		return 0, fmt.Errorf("metrics: roc auc: %d labels but %d scores", len(y), len(s))
	}
	classes := uniqueLabels(y)
	if len(classes) != 2 {
		if len(classes) < 2 {
			return 0, fmt.Errorf("metrics: only one class present in y_true; ROC AUC score is not defined in that case")
		}
		return 0, fmt.Errorf("metrics: roc auc: y_true has %d classes; use ROCAUCOvR with class probabilities", len(classes))
	}
	pos := make([]bool, len(y))
	for i, v := range y {
		pos[i] = v == classes[1]
	}
	return binaryAUC(pos, s)
}

// binaryAUC computes the Mann–Whitney statistic with average ranks for ties.
func binaryAUC(pos []bool, s []float64) (float64, error) {
	for _, v := range s {
		if math.IsNaN(v) {
			return 0, fmt.Errorf("metrics: roc auc: scores contain NaN")
		}
	}
	idx := make([]int, len(s))
	for i := range idx {
		idx[i] = i
	}
	slices.SortFunc(idx, func(a, b int) int {
		switch {
		case s[a] < s[b]:
			return -1
		case s[a] > s[b]:
			return 1
		}
		return 0
	})
	nPos, nNeg := 0.0, 0.0
	rankSum := 0.0
	for i := 0; i < len(idx); {
		j := i
		for j < len(idx) && s[idx[j]] == s[idx[i]] {
			j++
		}
		avgRank := float64(i+j+1) / 2 // ranks are 1-based
		for k := i; k < j; k++ {
			if pos[idx[k]] {
				rankSum += avgRank
			}
		}
		i = j
	}
	for _, p := range pos {
		if p {
			nPos++
		} else {
			nNeg++
		}
	}
	if nPos == 0 || nNeg == 0 {
		return 0, fmt.Errorf("metrics: only one class present in y_true; ROC AUC score is not defined in that case")
	}
	return (rankSum - nPos*(nPos+1)/2) / (nPos * nNeg), nil
}

// ROCAUCOvR returns the one-vs-rest ROC AUC of class probabilities probs [N, C] (rows sum
// to 1; column c is class c), macro-averaged, or weighted by class support when weighted is
// set — roc_auc_score(multi_class='ovr').
func ROCAUCOvR(yTrue, probs *tensor.Tensor, weighted bool) (float64, error) {
	y, err := Labels(yTrue)
	if err != nil {
		return 0, err
	}
	if probs.Dim() != 2 || probs.Size(0) != len(y) {
		return 0, fmt.Errorf("metrics: roc auc ovr: probabilities of shape %v for %d labels", probs.Shape(), len(y))
	}
	c := probs.Size(1)
	p := probs.Float64s()
	for i := range len(y) {
		s := 0.0
		for k := range c {
			s += p[i*c+k]
		}
		if math.Abs(s-1) > 1e-6*float64(c)+1e-5 {
			return 0, fmt.Errorf("metrics: roc auc ovr: target scores need to be probabilities for multiclass roc_auc, i.e. they should sum up to 1.0 over classes (row %d sums to %g)", i, s)
		}
		if y[i] < 0 || y[i] >= c {
			return 0, fmt.Errorf("metrics: roc auc ovr: label %d outside the %d probability columns", y[i], c)
		}
	}
	total, wsum := 0.0, 0.0
	for k := range c {
		pos := make([]bool, len(y))
		col := make([]float64, len(y))
		n := 0.0
		for i := range y {
			pos[i] = y[i] == k
			col[i] = p[i*c+k]
			if pos[i] {
				n++
			}
		}
		auc, err := binaryAUC(pos, col)
		if err != nil {
			return 0, fmt.Errorf("metrics: roc auc ovr: class %d: %w", k, err)
		}
		w := 1.0
		if weighted {
			w = n
		}
		total += w * auc
		wsum += w
	}
	return total / wsum, nil
}

// LogLoss returns the mean negative log-likelihood of the true labels under probs: [N, C]
// class probabilities (rows are renormalised) or [N] probabilities of class 1. Probabilities
// are clipped to [eps, 1-eps] with eps the machine epsilon of their dtype, as scikit-learn does.
func LogLoss(yTrue, probs *tensor.Tensor) (float64, error) {
	y, err := Labels(yTrue)
	if err != nil {
		return 0, err
	}
	eps := math.Nextafter(1, 2) - 1
	if probs.DType() == tensor.Float32 {
		eps = float64(math.Nextafter32(1, 2) - 1)
	}
	p := probs.Float64s()
	n := len(y)
	var c int
	switch {
	case probs.Dim() == 1 && len(p) == n:
		c = 2
		q := make([]float64, 2*n)
		for i, v := range p {
			q[2*i], q[2*i+1] = 1-v, v
		}
		p = q
	case probs.Dim() == 2 && probs.Size(0) == n:
		c = probs.Size(1)
	default:
		return 0, fmt.Errorf("metrics: log loss: probabilities of shape %v for %d labels", probs.Shape(), n)
	}
	total := 0.0
	for i := range n {
		if y[i] < 0 || y[i] >= c {
			return 0, fmt.Errorf("metrics: log loss: label %d outside the %d probability columns", y[i], c)
		}
		row := p[i*c : (i+1)*c]
		s := 0.0
		for k := range row {
			s += math.Min(math.Max(row[k], eps), 1-eps)
		}
		total -= math.Log(math.Min(math.Max(row[y[i]], eps), 1-eps) / s)
	}
	return total / float64(n), nil
}

func floats(yTrue, yPred *tensor.Tensor) ([]float64, []float64, error) {
	a, b := yTrue.Float64s(), yPred.Float64s()
	if len(a) != len(b) {
		return nil, nil, fmt.Errorf("metrics: found input variables with inconsistent numbers of samples: [%d, %d]", len(a), len(b))
	}
	if len(a) == 0 {
		return nil, nil, fmt.Errorf("metrics: empty input")
	}
	return a, b, nil
}

// MSE returns the mean squared error.
func MSE(yTrue, yPred *tensor.Tensor) (float64, error) {
	a, b, err := floats(yTrue, yPred)
	if err != nil {
		return 0, err
	}
	s := 0.0
	for i := range a {
		s += (a[i] - b[i]) * (a[i] - b[i])
	}
	return s / float64(len(a)), nil
}

// MAE returns the mean absolute error.
func MAE(yTrue, yPred *tensor.Tensor) (float64, error) {
	a, b, err := floats(yTrue, yPred)
	if err != nil {
		return 0, err
	}
	s := 0.0
	for i := range a {
		s += math.Abs(a[i] - b[i])
	}
	return s / float64(len(a)), nil
}

// R2 returns the coefficient of determination 1 − SS_res/SS_tot; for a constant truth it is
// 1 for a perfect prediction and 0 otherwise, as scikit-learn's r2_score.
func R2(yTrue, yPred *tensor.Tensor) (float64, error) {
	a, b, err := floats(yTrue, yPred)
	if err != nil {
		return 0, err
	}
	m := 0.0
	for _, v := range a {
		m += v / float64(len(a))
	}
	res, tot := 0.0, 0.0
	for i := range a {
		res += (a[i] - b[i]) * (a[i] - b[i])
		tot += (a[i] - m) * (a[i] - m)
	}
	if tot == 0 {
		if res == 0 {
			return 1, nil
		}
		return 0, nil
	}
	return 1 - res/tot, nil
}
