package metrics_test

import (
	"testing"

	"github.com/ember-ml/ember/metrics"
	"github.com/ember-ml/ember/tensor"
	"github.com/ember-ml/ember/tensor/tensortest"
)

// TestReportNonASCIINames compares reports whose target names are not ASCII with
// scikit-learn's (testdata/golden/gen_report_unicode.py): the name column is as wide as the
// longest name in characters, not bytes.
func TestReportNonASCIINames(t *testing.T) {
	var g struct {
		Cases []struct {
			YTrue  []int64 `json:"y_true"`
			YPred  []int64 `json:"y_pred"`
			Names  []string
			Digits int
			Text   string
		}
	}
	if err := tensortest.LoadJSON("../testdata/golden/report_unicode.json", &g); err != nil {
		t.Fatal(err)
	}
	for _, c := range g.Cases {
		r, err := metrics.ClassificationReport(tensor.FromSlice(c.YTrue), tensor.FromSlice(c.YPred), metrics.TargetNames(c.Names...), metrics.Digits(c.Digits))
		if err != nil {
			t.Fatal(err)
		}
		if got := r.String(); got != c.Text {
			t.Errorf("names %q, digits %d:\n%s\nsklearn:\n%s", c.Names, c.Digits, got, c.Text)
		}
	}
}
