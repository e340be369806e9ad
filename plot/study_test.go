package plot_test

import (
	"image/color"
	"math"
	"strings"
	"testing"

	"github.com/ember-ml/ember/plot"
)

func TestStudyHistoryRender(t *testing.T) {
	numbers := []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}
	scores := []float64{0.71, 0.83, 0.62, 0.88, 0.80, 0.55, 0.91, 0.86, 0.60, 0.93}
	pruned := []bool{false, false, true, false, false, true, false, false, true, false}
	f, err := plot.StudyHistory(numbers, scores, pruned, true, plot.Title("Optimisation history: moons"))
	if err != nil {
		t.Fatal(err)
	}
	img := checkPNG(t, f, 700, 450, 6)
	if !hasColour(img, color.RGBA{31, 119, 180, 255}, 10) || !hasColour(img, color.RGBA{214, 39, 40, 255}, 10) {
		t.Error("no blue complete trials or red best line")
	}
	// Minimising, all complete, and one trial: still drawn.
	if _, err := plot.StudyHistory(numbers, scores, make([]bool, 10), false); err != nil {
		t.Error(err)
	}
	if _, err := plot.StudyHistory([]int{3}, []float64{0.5}, []bool{true}, true); err != nil {
		t.Error(err)
	}
	for _, c := range []struct {
		numbers []int
		scores  []float64
		pruned  []bool
		want    string
	}{
		{nil, nil, nil, "no trials"},
		{[]int{0, 1}, []float64{1}, []bool{false, false}, "2 trial numbers, 1 scores"},
		{[]int{0, 1}, []float64{1, math.NaN()}, []bool{false, false}, "score of trial 1 is NaN"},
		{[]int{-1}, []float64{1}, []bool{false}, "negative"},
	} {
		if _, err := plot.StudyHistory(c.numbers, c.scores, c.pruned, true); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("StudyHistory(%v, %v, %v): error %v, want %q", c.numbers, c.scores, c.pruned, err, c.want)
		}
	}
}

// TestSpearmanImportance checks |ρ| against hand-computed Spearman correlations (scipy's
// spearmanr: Pearson's r of tie-averaged ranks).
func TestSpearmanImportance(t *testing.T) {
	scores := []float64{0.8, 0.9, 0.85, 0.7, 0.95, 0.9}           // ranks 2 4.5 3 1 6 4.5
	lr := []float64{1e-3, 1e-2, 3e-3, 1e-4, 5e-2, 2e-2}           // ranks 2 4 3 1 6 5
	hidden := []float64{8, 16, 8, 4, 16, 4}                       // ranks 3.5 5.5 3.5 1.5 5.5 1.5
	reversed := []float64{1e-3, 1e-4, 1e-3 / 3, 1e-2, 2e-5, 5e-5} // lr's ranks reversed
	constant := []float64{2, 2, 2, 2, 2, 2}
	imp, sign, err := plot.SpearmanImportance([][]float64{lr, hidden, reversed, constant}, scores)
	if err != nil {
		t.Fatal(err)
	}
	want := []float64{17 / math.Sqrt(17.5*17), 10 / math.Sqrt(16*17), 17 / math.Sqrt(17.5*17), 0}
	wantSign := []float64{1, 1, -1, 0}
	for j := range want {
		if math.Abs(imp[j]-want[j]) > 1e-12 || sign[j] != wantSign[j] {
			t.Errorf("parameter %d: importance %v sign %v, want %v %v", j, imp[j], sign[j], want[j], wantSign[j])
		}
	}
	// Ranks do not change on a log scale.
	logLR := make([]float64, len(lr))
	for i, v := range lr {
		logLR[i] = math.Log(v)
	}
	if li, _, _ := plot.SpearmanImportance([][]float64{logLR}, scores); li[0] != imp[0] {
		t.Errorf("log-scaled lr: %v, want %v", li[0], imp[0])
	}
	for _, c := range []struct {
		values [][]float64
		scores []float64
		want   string
	}{
		{[][]float64{{1, 2}}, []float64{1, 2}, "at least 3 trials"},
		{[][]float64{{1, 2}}, []float64{1, 2, 3}, "2 values for 3 scores"},
		{[][]float64{{1, math.Inf(1), 3}}, []float64{1, 2, 3}, "+Inf"},
		{[][]float64{{1, 2, 3}}, []float64{1, math.NaN(), 3}, "NaN"},
	} {
		if _, _, err := plot.SpearmanImportance(c.values, c.scores); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("SpearmanImportance(%v, %v): error %v, want %q", c.values, c.scores, err, c.want)
		}
	}
}

func TestParamImportanceRender(t *testing.T) {
	names := []string{"lr", "hidden", "layers", "dropout"}
	f, err := plot.ParamImportance(names, []float64{0.82, 0.35, 0.05, 0.41}, []float64{1, 1, -1, -1},
		"|Spearman ρ| between each parameter and the score, 40 complete trials", plot.Title("Parameter importance: moons"))
	if err != nil {
		t.Fatal(err)
	}
	w, h := f.Size()
	img := checkPNG(t, f, int(w*100+0.5), int(h*100+0.5), 6)
	if !hasColour(img, color.RGBA{31, 119, 180, 255}, 6) || !hasColour(img, color.RGBA{255, 127, 14, 255}, 6) {
		t.Error("no blue or orange bars")
	}
	if _, err := plot.ParamImportance([]string{"lr"}, []float64{0}, nil, ""); err != nil {
		t.Errorf("one parameter of importance 0: %v", err)
	}
	for _, c := range []struct {
		names      []string
		imp, signs []float64
		want       string
	}{
		{nil, nil, nil, "no parameters"},
		{[]string{"a", "b"}, []float64{1}, nil, "2 names, 1 importances"},
		{[]string{"a"}, []float64{1}, []float64{1, 1}, "2 signs"},
		{[]string{"a"}, []float64{-0.1}, nil, "importance of a is -0.1"},
		{[]string{"a"}, []float64{math.NaN()}, nil, "NaN"},
	} {
		if _, err := plot.ParamImportance(c.names, c.imp, c.signs, ""); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("ParamImportance(%v, %v, %v): error %v, want %q", c.names, c.imp, c.signs, err, c.want)
		}
	}
}
