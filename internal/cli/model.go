package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"github.com/ember-ml/ember/checkpoint"
	"github.com/ember-ml/ember/data"
	"github.com/ember-ml/ember/estimator"
	"github.com/ember-ml/ember/nn"
	"github.com/ember-ml/ember/serialize"
	"github.com/ember-ml/ember/svm"
	"github.com/ember-ml/ember/tensor"
)

// Metadata the train command stores so predict and eval can use a model on raw CSV rows.
const (
	metaTask     = "ember.task"     // classification or regression
	metaClasses  = "ember.classes"  // JSON list of class names, in label order
	metaFeatures = "ember.features" // JSON list of feature names, in input order
	metaTarget   = "ember.target"   // the label column's name
	metaScaler   = "ember.scaler"   // JSON {"mean": [...], "scale": [...]} applied to features
)

type scalerMeta struct {
	Mean  []float64 `json:"mean"`
	Scale []float64 `json:"scale"`
}

// savedModel is a model loaded with the metadata the train command wrote: a network, or a
// classical estimator (a pipeline) written by estimator.Save.
type savedModel struct {
	model    nn.Module // the network, or nil
	est      any       // the estimator, or nil
	task     string
	classes  []string
	features []string
	target   string
	scaler   *scalerMeta
}

// loadSavedModel reads a model file once and rebuilds a network or, when the file has
// estimator.MetaKind metadata, an estimator.
func loadSavedModel(path string) (*savedModel, error) {
	f, err := serialize.ReadSafetensors(path)
	if err != nil {
		return nil, err
	}
	s := &savedModel{task: f.Metadata[metaTask], target: f.Metadata[metaTarget]}
	if _, ok := f.Metadata[estimator.MetaKind]; ok {
		if s.est, err = estimator.FromFile(f); err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		if _, ok := s.est.(estimator.Predictor); !ok {
			return nil, fmt.Errorf("%s: the %s estimator cannot predict", path, f.Metadata[estimator.MetaKind])
		}
	} else if s.model, err = networkFromFile(f); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if s.task == "" {
		return nil, fmt.Errorf("%s: no %q metadata: save models with \"ember train --save\"", path, metaTask)
	}
	parse := func(key string, v any) error {
		if js, ok := f.Metadata[key]; ok {
			if err := json.Unmarshal([]byte(js), v); err != nil {
				return fmt.Errorf("%s: metadata %s: %w", path, key, err)
			}
		}
		return nil
	}
	if err := parse(metaClasses, &s.classes); err != nil {
		return nil, err
	}
	if err := parse(metaFeatures, &s.features); err != nil {
		return nil, err
	}
	if s.task == "classification" && len(s.classes) == 0 {
		return nil, fmt.Errorf("%s: a classifier without %q metadata", path, metaClasses)
	}
	if _, ok := f.Metadata[metaScaler]; ok {
		s.scaler = &scalerMeta{}
		if err := parse(metaScaler, s.scaler); err != nil {
			return nil, err
		}
		if len(s.scaler.Mean) != len(s.features) || len(s.scaler.Scale) != len(s.features) {
			return nil, fmt.Errorf("%s: scaler has %d/%d entries for %d features", path, len(s.scaler.Mean), len(s.scaler.Scale), len(s.features))
		}
	}
	return s, nil
}

// networkFromFile rebuilds a network from the architecture in a file's metadata, as
// checkpoint.LoadModel does.
func networkFromFile(f *serialize.File) (nn.Module, error) {
	spec, ok := f.Metadata[checkpoint.MetaArchitecture]
	if !ok {
		return nil, fmt.Errorf("no %q metadata: the model was not built from standard layers; rebuild it in code and use LoadInto", checkpoint.MetaArchitecture)
	}
	m, err := nn.UnmarshalSpec(spec)
	if err != nil {
		return nil, err
	}
	if err := nn.LoadStateDict(m, f.Tensors, true); err != nil {
		return nil, err
	}
	return m, nil
}

// inputs picks the model's feature columns from a CSV table by name (or by position when the
// names differ but the count matches) and applies the saved scaling.
func (s *savedModel) inputs(tab *data.Table, allCols []string, x *tensor.Tensor) (*tensor.Tensor, error) {
	if x.Size(1) < len(s.features) {
		return nil, fmt.Errorf("the input has %d feature columns, the model needs %d (%s)", x.Size(1), len(s.features), strings.Join(s.features, ", "))
	}
	idx := make([]int64, len(s.features))
	for i, f := range s.features {
		j := slices.Index(allCols, f)
		if j < 0 {
			if x.Size(1) != len(s.features) {
				return nil, fmt.Errorf("the input lacks feature column %q (columns: %s)", f, strings.Join(allCols, ", "))
			}
			j = i
		}
		idx[i] = int64(j)
	}
	x = x.IndexSelect(1, tensor.FromSlice(idx))
	if s.scaler != nil {
		mean := tensor.FromSlice(s.scaler.Mean).Float()
		scale := tensor.FromSlice(s.scaler.Scale).Float()
		x = x.Sub(mean).Div(scale)
	}
	return x, nil
}

// predict returns the model's raw outputs (the predictions, for an estimator) and, for
// classification, the predicted class indices and the class probabilities [N, C] (nil for
// an estimator without them, such as SVC without probability).
func (s *savedModel) predict(x *tensor.Tensor) (out, pred, probs *tensor.Tensor, err error) {
	if s.est != nil {
		out, pred, probs, err = s.predictEstimator(x)
	} else {
		out, pred, probs = s.predictNetwork(x)
	}
	if err != nil {
		return nil, nil, nil, err
	}
	if s.task != "classification" {
		if out.Numel() != x.Size(0) {
			return nil, nil, nil, fmt.Errorf("the model gives outputs of shape %v for %d rows; want one value per row", out.Shape(), x.Size(0))
		}
		return out, pred, probs, nil
	}
	if pred.Numel() != x.Size(0) {
		return nil, nil, nil, fmt.Errorf("the model gives %d predictions for %d rows", pred.Numel(), x.Size(0))
	}
	// The file is untrusted: its class names must cover the model's outputs.
	nc := len(s.classes)
	for _, p := range pred.Int64s() {
		if p < 0 || p >= int64(nc) {
			return nil, nil, nil, fmt.Errorf("the model predicted class %d, but the file names %d classes", p, nc)
		}
	}
	if probs != nil && (probs.Dim() != 2 || probs.Size(1) != nc) {
		return nil, nil, nil, fmt.Errorf("the model gives probabilities of shape %v, but the file names %d classes", probs.Shape(), nc)
	}
	return out, pred, probs, nil
}

func (s *savedModel) predictNetwork(x *tensor.Tensor) (out, pred, probs *tensor.Tensor) {
	nn.Eval(s.model)
	tensor.NoGrad(func() {
		out = s.model.Forward(x)
		if s.task != "classification" {
			return
		}
		if out.Dim() == 1 { // one logit: binary
			p1 := out.Sigmoid()
			probs = tensor.Stack([]*tensor.Tensor{p1.RSubScalar(1), p1}, 1)
			pred = out.GtScalar(0).Long()
		} else {
			probs = out.Softmax(1)
			pred = out.ArgmaxDim(1, false)
		}
	})
	return out, pred, probs
}

func (s *savedModel) predictEstimator(x *tensor.Tensor) (out, pred, probs *tensor.Tensor, err error) {
	out, err = s.est.(estimator.Predictor).Predict(x)
	if err != nil {
		return nil, nil, nil, err
	}
	if s.task != "classification" {
		return out, nil, nil, nil
	}
	nc := int64(len(s.classes))
	if out.DType().IsFloat() {
		for _, v := range out.Float64s() {
			if v != math.Trunc(v) {
				return nil, nil, nil, fmt.Errorf("the classifier predicted %g, not a class index", v)
			}
		}
	}
	pred = out.Long()
	if !hasProba(s.est) {
		return out, pred, nil, nil
	}
	p, err := s.est.(estimator.ProbaPredictor).PredictProba(x)
	if err != nil {
		return nil, nil, nil, err
	}
	probs, err = probaByClass(finalStep(s.est), p, int(nc))
	return out, pred, probs, err
}

// finalStep returns a pipeline's last estimator, or est itself.
func finalStep(est any) any {
	if p, ok := est.(*estimator.Pipeline); ok && len(p.Steps) > 0 {
		return p.Steps[len(p.Steps)-1].Estimator
	}
	return est
}

// hasProba reports whether an estimator gives class probabilities: its final step has
// PredictProba, and an SVC was fitted with Probability.
func hasProba(est any) bool {
	if _, ok := est.(estimator.ProbaPredictor); !ok {
		return false
	}
	last := finalStep(est)
	if _, ok := last.(estimator.ProbaPredictor); !ok {
		return false
	}
	if c, ok := last.(*svm.SVC); ok && !c.Probability {
		return false
	}
	return true
}

// probaByClass spreads the columns of p, which follow the classifier's fitted Classes (class
// indices), over nc columns, one per class of the file.
func probaByClass(clf any, p *tensor.Tensor, nc int) (*tensor.Tensor, error) {
	var fitted []int64
	if v := reflect.ValueOf(clf); v.Kind() == reflect.Pointer && v.Elem().Kind() == reflect.Struct {
		if f := v.Elem().FieldByName("Classes"); f.IsValid() {
			if t, ok := f.Interface().(*tensor.Tensor); ok && t != nil {
				fitted = t.Long().Int64s()
			}
		}
	}
	if fitted == nil || p.Dim() != 2 || p.Size(1) != len(fitted) {
		return nil, fmt.Errorf("the classifier's probabilities have shape %v, its classes are %v", p.Shape(), fitted)
	}
	idx := make([]int64, len(fitted))
	same := len(fitted) == nc
	for j, c := range fitted {
		if c < 0 || c >= int64(nc) {
			return nil, fmt.Errorf("the classifier was fitted on class %d, but the file names %d classes", c, nc)
		}
		idx[j] = c
		same = same && c == int64(j)
	}
	if same {
		return p, nil
	}
	rows := p.Size(0)
	vals := p.Float64s()
	out := make([]float64, rows*nc)
	for r := range rows {
		for j, c := range idx {
			out[r*nc+int(c)] = vals[r*len(idx)+j]
		}
	}
	return tensor.FromSlice(out, rows, nc), nil
}

func runPredict(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("predict", "Applies a model saved by \"ember train --save\" to the rows of a CSV file and writes the\nrows with the prediction (and class probabilities) as CSV.", stdout)
	model := fs.String("model", "", "model file written by ember train --save (required)")
	input := fs.String("input", "", "CSV file with a header row and the model's feature columns (required)")
	output := fs.String("output", "", "CSV file to write (default: standard output)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *model == "" || *input == "" {
		return usagef("--model and --input are required")
	}
	s, err := loadSavedModel(*model)
	if err != nil {
		return err
	}
	tab, err := data.LoadCSVFile(*input, data.CSVOptions{NoTarget: true})
	if err != nil {
		return err
	}
	x, err := s.inputs(tab, tab.Features, tab.X)
	if err != nil {
		return fmt.Errorf("%s: %w", *input, err)
	}
	out, pred, probs, err := s.predict(x)
	if err != nil {
		return fmt.Errorf("%s: %w", *model, err)
	}
	header := append([]string{}, tab.Features...)
	var cols []*tensor.Tensor
	cols = append(cols, tab.X)
	var labels []string
	if s.task == "classification" {
		header = append(header, "prediction")
		for _, p := range pred.Int64s() {
			labels = append(labels, s.classes[p])
		}
		if probs != nil { // SVC without probability has none
			for _, c := range s.classes {
				header = append(header, "p_"+c)
			}
			cols = append(cols, probs)
		}
	} else {
		header = append(header, "prediction")
		cols = append(cols, out.Reshape(-1, 1))
	}
	for i, c := range cols {
		cols[i] = c.Float()
	}
	return writeTable(*output, stdout, header, tensor.Cat(cols, 1), len(tab.Features), labels)
}

// writeTable writes rows of x as CSV; when labels is set, it is inserted as the column at
// position at (a text column).
func writeTable(path string, stdout io.Writer, header []string, x *tensor.Tensor, at int, labels []string) error {
	write := func(w io.Writer) error {
		fmt.Fprintln(w, strings.Join(header, ","))
		vals := x.Float64s()
		cols := x.Size(1)
		for r := range x.Size(0) {
			var rec []string
			for c := range cols {
				if labels != nil && c == at {
					rec = append(rec, labels[r])
				}
				rec = append(rec, strconv.FormatFloat(vals[r*cols+c], 'g', 7, 64))
			}
			if labels != nil && at == cols {
				rec = append(rec, labels[r])
			}
			if _, err := fmt.Fprintln(w, strings.Join(rec, ",")); err != nil {
				return err
			}
		}
		return nil
	}
	if path == "" {
		return write(stdout)
	}
	return serialize.WriteAtomic(path, write)
}

func runEval(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("eval", "Evaluates a model saved by \"ember train --save\" on a labelled CSV file and prints the\nclassification report and confusion matrix, or MSE, MAE and R².", stdout)
	model := fs.String("model", "", "model file written by ember train --save (required)")
	dataPath := fs.String("data", "", "labelled CSV file with a header row (required)")
	target := fs.String("target", "", "label column (default: the column the model was trained on)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *model == "" || *dataPath == "" {
		return usagef("--model and --data are required")
	}
	s, err := loadSavedModel(*model)
	if err != nil {
		return err
	}
	tgt := *target
	if tgt == "" {
		tgt = s.target
	}
	tab, err := data.LoadCSVFile(*dataPath, data.CSVOptions{Target: tgt})
	if err != nil {
		return err
	}
	x, err := s.inputs(tab, tab.Features, tab.X)
	if err != nil {
		return fmt.Errorf("%s: %w", *dataPath, err)
	}
	out, pred, _, err := s.predict(x)
	if err != nil {
		return fmt.Errorf("%s: %w", *model, err)
	}
	if s.task != "classification" {
		return reportRegression(stdout, tab.Y, out.Reshape(-1))
	}
	// Map the file's labels onto the model's classes by name.
	var names []string
	if tab.Classes != nil {
		names = tab.Classes
	} else {
		for _, v := range tab.Y.Float64s() {
			n := strconv.FormatFloat(v, 'g', -1, 64)
			if !slices.Contains(names, n) {
				names = append(names, n)
			}
		}
	}
	vals := tab.Y.Float64s()
	yTrue := make([]int64, len(vals))
	for i, v := range vals {
		name := strconv.FormatFloat(v, 'g', -1, 64)
		if tab.Classes != nil {
			name = tab.Classes[int(v)]
		}
		k := slices.Index(s.classes, name)
		if k < 0 {
			return fmt.Errorf("%s: label %q (row %d) is not one of the model's classes %v", *dataPath, name, i+1, s.classes)
		}
		yTrue[i] = int64(k)
	}
	return reportClassification(stdout, tensor.FromSlice(yTrue), pred, s.classes)
}

func runInspect(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("inspect", "Lists the tensors (name, dtype, shape), metadata and parameter count of a safetensors file,\nand the network's architecture or the estimator's kind, steps and settings.\nUsage: ember inspect model.safetensors", stdout)
	if err := fs.Parse(args); err != nil {
		if err == flagErrHelp {
			helpText[fs]()
			return err
		}
		return usagef("%v", err)
	}
	if fs.NArg() != 1 {
		return usagef("want one file: ember inspect model.safetensors")
	}
	path := fs.Arg(0)
	if _, err := os.Stat(path); err != nil {
		return err
	}
	f, err := serialize.ReadSafetensors(path)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s: %d tensors\n\n", path, len(f.Names))
	w := 4
	for _, n := range f.Names {
		w = max(w, len(n))
	}
	total := 0
	fmt.Fprintf(stdout, "%-*s  %-7s  %s\n", w, "name", "dtype", "shape")
	for _, n := range f.Names {
		t := f.Tensors[n]
		total += t.Numel()
		fmt.Fprintf(stdout, "%-*s  %-7s  %v\n", w, n, t.DType(), t.Shape())
	}
	kind, isEstimator := f.Metadata[estimator.MetaKind]
	if isEstimator {
		fmt.Fprintf(stdout, "\nstored values: %s\n", commas(total))
	} else {
		fmt.Fprintf(stdout, "\nparameters: %s\n", commas(total))
	}
	if len(f.Metadata) > 0 {
		fmt.Fprintln(stdout, "\nmetadata:")
		for _, k := range sortedKeys(f.Metadata) {
			v := f.Metadata[k]
			if len(v) > 200 {
				v = v[:200] + "…"
			}
			fmt.Fprintf(stdout, "  %s: %s\n", k, v)
		}
	}
	if spec, ok := f.Metadata[checkpoint.MetaArchitecture]; ok {
		if m, err := nn.UnmarshalSpec(spec); err == nil {
			fmt.Fprintf(stdout, "\narchitecture:\n%s\n", nn.String(m))
		}
	}
	if isEstimator {
		est, err := estimator.FromFile(f)
		if err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		printEstimator(stdout, kind, est)
	}
	return nil
}

// printEstimator writes an estimator's kind and, for a pipeline, its steps with their
// settings.
func printEstimator(w io.Writer, kind string, est any) {
	fmt.Fprintf(w, "\nestimator: %s\n", kind)
	p, ok := est.(*estimator.Pipeline)
	settings := func(indent string, e any) {
		if d, all := describe(e), describeFields(e); d != all && !strings.HasSuffix(all, "()") {
			fmt.Fprintf(w, "%s%s\n%sall settings: %s\n", indent, d, indent, all)
		} else {
			fmt.Fprintf(w, "%s%s\n", indent, d)
		}
	}
	if !ok {
		settings("  ", est)
		return
	}
	fmt.Fprintf(w, "steps:\n")
	for i, st := range p.Steps {
		k, _ := estimator.KindOf(st.Estimator)
		fmt.Fprintf(w, "  %d. %s (%s)\n", i, st.Name, k)
		settings("     ", st.Estimator)
	}
}

func commas(n int) string {
	s := strconv.Itoa(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
