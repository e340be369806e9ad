package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"

	"github.com/ember-ml/ember/data"
	"github.com/ember-ml/ember/nn"
	"github.com/ember-ml/ember/serialize"
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

// savedModel is a model loaded with the metadata the train command wrote.
type savedModel struct {
	model    nn.Module
	task     string
	classes  []string
	features []string
	target   string
	scaler   *scalerMeta
}

func loadSavedModel(path string) (*savedModel, error) {
	m, f, err := serialize.LoadModel(path)
	if err != nil {
		return nil, err
	}
	s := &savedModel{model: m, task: f.Metadata[metaTask], target: f.Metadata[metaTarget]}
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

// predict returns the model's raw outputs and, for classification, the predicted classes and
// the class probabilities [N, C].
func (s *savedModel) predict(x *tensor.Tensor) (out, pred, probs *tensor.Tensor) {
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
	out, pred, probs := s.predict(x)
	header := append([]string{}, tab.Features...)
	var cols []*tensor.Tensor
	cols = append(cols, tab.X)
	var labels []string
	if s.task == "classification" {
		header = append(header, "prediction")
		for _, c := range s.classes {
			header = append(header, "p_"+c)
		}
		for _, p := range pred.Int64s() {
			labels = append(labels, s.classes[p])
		}
		cols = append(cols, probs)
	} else {
		header = append(header, "prediction")
		cols = append(cols, out.Reshape(-1, 1))
	}
	return writeTable(*output, stdout, header, tensor.Cat([]*tensor.Tensor{cols[0].Float(), cols[1].Float()}, 1), len(tab.Features), labels)
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
	out, pred, _ := s.predict(x)
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
	fs := newFlagSet("inspect", "Lists the tensors (name, dtype, shape), metadata and parameter count of a safetensors file.\nUsage: ember inspect model.safetensors", stdout)
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
	fmt.Fprintf(stdout, "\nparameters: %s\n", commas(total))
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
	if spec, ok := f.Metadata[serialize.MetaArchitecture]; ok {
		if m, err := nn.UnmarshalSpec(spec); err == nil {
			fmt.Fprintf(stdout, "\narchitecture:\n%s\n", nn.String(m))
		}
	}
	return nil
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
