package metrics

import (
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/ember-ml/ember/tensor"
)

// ReportRow is one line of a classification report.
type ReportRow struct {
	Name                      string
	Precision, Recall, FScore float64
	Support                   int
}

// Report is scikit-learn's classification report as data: one row per class, then the
// accuracy (when it equals micro-averaged scores) and the macro and weighted averages.
type Report struct {
	Classes  []ReportRow
	Accuracy *float64   // nil when the report shows a "micro avg" row instead
	Micro    *ReportRow // set when Accuracy is nil
	Macro    ReportRow
	Weighted ReportRow
	digits   int
}

// ClassificationReport builds the report with scikit-learn's rules (labels, target names,
// digits and zero_division options apply).
func ClassificationReport(yTrue, yPred *tensor.Tensor, opts ...Option) (*Report, error) {
	a, b, err := pair(yTrue, yPred)
	if err != nil {
		return nil, err
	}
	c := build(opts)
	present := uniqueLabels(a, b)
	labels := c.labels
	microIsAccuracy := labels == nil || sameSet(labels, present)
	if labels == nil {
		labels = present
	}
	names := c.targetNames
	if names != nil && len(names) != len(labels) {
		return nil, fmt.Errorf("metrics: number of classes, %d, does not match size of target_names, %d; try specifying the labels", len(labels), len(names))
	}
	if names == nil {
		for _, l := range labels {
			names = append(names, fmt.Sprint(l))
		}
	}
	base := c
	base.labels = labels
	base.average = "none"
	per, err := prfs(a, b, base)
	if err != nil {
		return nil, err
	}
	r := &Report{digits: c.digits}
	total := 0
	for i := range labels {
		r.Classes = append(r.Classes, ReportRow{names[i], per.Precision[i], per.Recall[i], per.FScore[i], per.Support[i]})
		total += per.Support[i]
	}
	avg := func(kind string) (ReportRow, error) {
		cc := base
		cc.average = kind
		s, err := prfs(a, b, cc)
		if err != nil {
			return ReportRow{}, err
		}
		return ReportRow{kind + " avg", s.Precision[0], s.Recall[0], s.FScore[0], total}, nil
	}
	micro, err := avg("micro")
	if err != nil {
		return nil, err
	}
	if microIsAccuracy {
		acc := micro.FScore
		r.Accuracy = &acc
	} else {
		r.Micro = &micro
	}
	if r.Macro, err = avg("macro"); err != nil {
		return nil, err
	}
	if r.Weighted, err = avg("weighted"); err != nil {
		return nil, err
	}
	return r, nil
}

func sameSet(a, b []int) bool {
	for _, x := range a {
		if !slices.Contains(b, x) {
			return false
		}
	}
	for _, x := range b {
		if !slices.Contains(a, x) {
			return false
		}
	}
	return true
}

// String formats the report exactly as scikit-learn prints it. Widths count characters
// (runes), as Python's len and str.format do, so non-ASCII names line up.
func (r *Report) String() string {
	width := len("weighted avg")
	for _, c := range r.Classes {
		width = max(width, utf8.RuneCountInString(c.Name))
	}
	width = max(width, r.digits)
	var b strings.Builder
	fmt.Fprintf(&b, "%*s  %9s %9s %9s %9s\n\n", width, "", "precision", "recall", "f1-score", "support")
	row := func(x ReportRow) {
		fmt.Fprintf(&b, "%*s  %9.*f %9.*f %9.*f %9d\n", width, x.Name, r.digits, x.Precision, r.digits, x.Recall, r.digits, x.FScore, x.Support)
	}
	for _, c := range r.Classes {
		row(c)
	}
	b.WriteString("\n")
	if r.Accuracy != nil {
		fmt.Fprintf(&b, "%*s  %9s %9s %9.*f %9d\n", width, "accuracy", "", "", r.digits, *r.Accuracy, r.Macro.Support)
	} else {
		row(*r.Micro)
	}
	row(r.Macro)
	row(r.Weighted)
	return b.String()
}
