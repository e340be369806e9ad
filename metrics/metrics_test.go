package metrics_test

import (
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/ember-ml/ember/metrics"
	"github.com/ember-ml/ember/tensor"
	"github.com/ember-ml/ember/tensor/tensortest"
)

type golden struct {
	Cases []struct {
		Name            string
		YTrue           []int64 `json:"y_true"`
		YPred           []int64 `json:"y_pred"`
		Accuracy        float64
		ConfusionMatrix [][]int `json:"confusion_matrix"`
		ConfusionLabels []int   `json:"confusion_labels"`
		Scores          []struct {
			Average      string
			ZeroDivision float64 `json:"zero_division"`
			Beta         float64
			Error        string
			Precision    []tensortest.Num
			Recall       []tensortest.Num
			FScore       []tensortest.Num
			Support      []int
		}
		Reports []struct {
			Digits int
			Text   string
		}
	}
	NamedReport struct {
		YTrue []int64 `json:"y_true"`
		YPred []int64 `json:"y_pred"`
		Names []string
		Text  string
	} `json:"named_report"`
	SubsetReport struct {
		YTrue  []int64 `json:"y_true"`
		YPred  []int64 `json:"y_pred"`
		Labels []int
		Text   string
	} `json:"subset_report"`
	ROCAUC struct {
		Y      []int64
		Scores []float64
		AUC    float64
	} `json:"roc_auc"`
	ROCAUCOvR struct {
		Y        []int64
		Probs    [][]float64
		Macro    float64
		Weighted float64
	} `json:"roc_auc_ovr"`
	LogLoss struct {
		Y      []int64
		P      []float64
		Binary float64
		Y3     []int64
		Probs  [][]float64
		Multi  float64
	} `json:"log_loss"`
	Regression struct {
		Y, P                         []float64
		MSE, MAE, R2                 float64
		R2ConstPerfect, R2ConstWrong float64
	} `json:"-"`
}

func load(t *testing.T) golden {
	var g golden
	if err := tensortest.LoadJSON("../testdata/golden/metrics.json", &g); err != nil {
		t.Fatal(err)
	}
	return g
}

func close(a, b float64) bool {
	if math.IsNaN(a) || math.IsNaN(b) {
		return math.IsNaN(a) && math.IsNaN(b)
	}
	return math.Abs(a-b) <= 1e-12*math.Max(1, math.Abs(b))
}

// TestScoresMatchScikitLearn replays testdata/golden/gen_metrics.py.
func TestScoresMatchScikitLearn(t *testing.T) {
	g := load(t)
	for _, c := range g.Cases {
		yt, yp := tensor.FromSlice(c.YTrue), tensor.FromSlice(c.YPred)
		acc, err := metrics.Accuracy(yt, yp)
		if err != nil || !close(acc, c.Accuracy) {
			t.Errorf("%s: accuracy %v (%v), want %v", c.Name, acc, err, c.Accuracy)
		}
		cm, err := metrics.ConfusionMatrix(yt, yp)
		if err != nil {
			t.Fatal(err)
		}
		for i := range c.ConfusionMatrix {
			for j := range c.ConfusionMatrix[i] {
				if cm.Counts[i][j] != c.ConfusionMatrix[i][j] {
					t.Errorf("%s: confusion matrix %v, want %v", c.Name, cm.Counts, c.ConfusionMatrix)
				}
			}
		}
		for _, s := range c.Scores {
			got, err := metrics.PrecisionRecallFScoreSupport(yt, yp, s.Beta, metrics.Average(s.Average), metrics.ZeroDivision(s.ZeroDivision))
			if s.Error != "" {
				if err == nil {
					t.Errorf("%s %+v: no error, scikit-learn says %q", c.Name, s.Average, s.Error)
				}
				continue
			}
			if err != nil {
				t.Errorf("%s %s: %v", c.Name, s.Average, err)
				continue
			}
			for k, pairs := range map[string][2][]float64{
				"precision": {got.Precision, nums(s.Precision)},
				"recall":    {got.Recall, nums(s.Recall)},
				"fscore":    {got.FScore, nums(s.FScore)},
			} {
				if len(pairs[0]) != len(pairs[1]) {
					t.Errorf("%s average=%s zd=%v beta=%v: %s %v, want %v", c.Name, s.Average, s.ZeroDivision, s.Beta, k, pairs[0], pairs[1])
					continue
				}
				for i := range pairs[0] {
					if !close(pairs[0][i], pairs[1][i]) {
						t.Errorf("%s average=%s zd=%v beta=%v: %s %v, want %v", c.Name, s.Average, s.ZeroDivision, s.Beta, k, pairs[0], pairs[1])
						break
					}
				}
			}
		}
		for _, r := range c.Reports {
			rep, err := metrics.ClassificationReport(yt, yp, metrics.Digits(r.Digits))
			if err != nil {
				t.Fatal(err)
			}
			if got := rep.String(); got != r.Text {
				t.Errorf("%s digits %d report:\n%s\nwant\n%s", c.Name, r.Digits, got, r.Text)
			}
		}
	}
}

func nums(v []tensortest.Num) []float64 {
	out := make([]float64, len(v))
	for i, x := range v {
		out[i] = float64(x)
	}
	return out
}

func TestReportOptionsMatchScikitLearn(t *testing.T) {
	g := load(t)
	n := g.NamedReport
	rep, err := metrics.ClassificationReport(tensor.FromSlice(n.YTrue), tensor.FromSlice(n.YPred), metrics.TargetNames(n.Names...))
	if err != nil || rep.String() != n.Text {
		t.Errorf("named report (%v):\n%s\nwant\n%s", err, rep, n.Text)
	}
	s := g.SubsetReport
	rep, err = metrics.ClassificationReport(tensor.FromSlice(s.YTrue), tensor.FromSlice(s.YPred), metrics.WithLabels(s.Labels...))
	if err != nil || rep.String() != s.Text {
		t.Errorf("label-subset report (%v):\n%s\nwant\n%s", err, rep, s.Text)
	}
	if _, err := metrics.ClassificationReport(tensor.FromSlice(n.YTrue), tensor.FromSlice(n.YPred), metrics.TargetNames("a")); err == nil {
		t.Error("mismatched target names accepted")
	}
}

func rows(v [][]float64) *tensor.Tensor { return tensor.FromRows(v) }

func TestScoresAndRegressionMatchScikitLearn(t *testing.T) {
	g := load(t)
	auc, err := metrics.ROCAUC(tensor.FromSlice(g.ROCAUC.Y), tensor.FromSlice(g.ROCAUC.Scores))
	if err != nil || !close(auc, g.ROCAUC.AUC) {
		t.Errorf("roc auc %v (%v), want %v", auc, err, g.ROCAUC.AUC)
	}
	for _, weighted := range []bool{false, true} {
		want := g.ROCAUCOvR.Macro
		if weighted {
			want = g.ROCAUCOvR.Weighted
		}
		got, err := metrics.ROCAUCOvR(tensor.FromSlice(g.ROCAUCOvR.Y), rows(g.ROCAUCOvR.Probs), weighted)
		if err != nil || !close(got, want) {
			t.Errorf("ovr auc weighted=%v: %v (%v), want %v", weighted, got, err, want)
		}
	}
	ll, err := metrics.LogLoss(tensor.FromSlice(g.LogLoss.Y), tensor.FromSlice(g.LogLoss.P))
	if err != nil || math.Abs(ll-g.LogLoss.Binary) > 1e-10 {
		t.Errorf("binary log loss %v (%v), want %v", ll, err, g.LogLoss.Binary)
	}
	ll, err = metrics.LogLoss(tensor.FromSlice(g.LogLoss.Y3), rows(g.LogLoss.Probs))
	if err != nil || math.Abs(ll-g.LogLoss.Multi) > 1e-10 {
		t.Errorf("multiclass log loss %v (%v), want %v", ll, err, g.LogLoss.Multi)
	}
	if _, err := metrics.ROCAUC(tensor.FromSlice([]int64{1, 1}), tensor.FromSlice([]float64{0.2, 0.3})); err == nil || !strings.Contains(err.Error(), "only one class") {
		t.Errorf("single-class roc auc: %v", err)
	}
}

func TestRegressionMetrics(t *testing.T) {
	var raw struct {
		Regression struct {
			Y, P           []float64
			MSE, MAE, R2   float64
			R2ConstPerfect float64 `json:"r2_const_perfect"`
			R2ConstWrong   float64 `json:"r2_const_wrong"`
		}
	}
	if err := tensortest.LoadJSON("../testdata/golden/metrics.json", &raw); err != nil {
		t.Fatal(err)
	}
	r := raw.Regression
	y, p := tensor.FromSlice(r.Y), tensor.FromSlice(r.P)
	for name, c := range map[string]struct {
		f    func(a, b *tensor.Tensor) (float64, error)
		want float64
	}{"mse": {metrics.MSE, r.MSE}, "mae": {metrics.MAE, r.MAE}, "r2": {metrics.R2, r.R2}} {
		if got, err := c.f(y, p); err != nil || !close(got, c.want) {
			t.Errorf("%s %v (%v), want %v", name, got, err, c.want)
		}
	}
	if v, _ := metrics.R2(tensor.FromSlice([]float64{2, 2}), tensor.FromSlice([]float64{2, 2})); v != r.R2ConstPerfect {
		t.Errorf("constant perfect r2 %v", v)
	}
	if v, _ := metrics.R2(tensor.FromSlice([]float64{2, 2}), tensor.FromSlice([]float64{1, 2})); v != r.R2ConstWrong {
		t.Errorf("constant wrong r2 %v", v)
	}
	if _, err := metrics.MSE(tensor.Zeros(2), tensor.Zeros(3)); err == nil {
		t.Error("length mismatch accepted")
	}
}

func TestLabelsRejectScores(t *testing.T) {
	if _, err := metrics.Accuracy(tensor.FromSlice([]float32{0, 1}), tensor.FromSlice([]float32{0.2, 0.9})); err == nil {
		t.Fatal("scores accepted as labels")
	}
}

func ExampleClassificationReport() {
	yTrue := tensor.FromSlice([]int64{0, 1, 2, 2, 0, 1})
	yPred := tensor.FromSlice([]int64{0, 2, 2, 2, 0, 0})
	r, _ := metrics.ClassificationReport(yTrue, yPred)
	fmt.Print(r)
	// Output:
	//               precision    recall  f1-score   support
	//
	//            0       0.67      1.00      0.80         2
	//            1       0.00      0.00      0.00         2
	//            2       0.67      1.00      0.80         2
	//
	//     accuracy                           0.67         6
	//    macro avg       0.44      0.67      0.53         6
	// weighted avg       0.44      0.67      0.53         6
}
