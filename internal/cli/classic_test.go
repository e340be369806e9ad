package cli_test

import (
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/ember-ml/ember/data"
	"github.com/ember-ml/ember/data/synth"
	"github.com/ember-ml/ember/serialize"
)

// lastScore returns the number on the last line of out, which must read "test <metric>: x".
func lastScore(t *testing.T, out, metric string) float64 {
	t.Helper()
	lines := strings.Split(strings.TrimSpace(out), "\n")
	last := lines[len(lines)-1]
	m := regexp.MustCompile(`^test ` + metric + `: (-?\d+\.\d{4})$`).FindStringSubmatch(last)
	if m == nil {
		t.Fatalf("last line %q is not \"test %s: x.xxxx\"\n%s", last, metric, out)
	}
	v, _ := strconv.ParseFloat(m[1], 64)
	return v
}

func TestTrainClassicalModels(t *testing.T) {
	for _, c := range []struct {
		model, data, repr string
		min               float64
	}{
		{"knn", "circles", `KNeighborsClassifier(n_neighbors=5, weights="uniform")`, 0.95},
		{"svm", "circles", `SVC(C=1, kernel="rbf", gamma="scale")`, 0.95},
		{"forest", "circles", "RandomForestClassifier(n_estimators=100, max_depth=None, n_jobs=1, random_state=42)", 0.90},
		{"boosting", "circles", "HistGradientBoostingClassifier(learning_rate=0.1, max_iter=100, max_depth=None, random_state=42)", 0.90},
		{"logreg", "blobs", "LogisticRegression(C=1, max_iter=100)", 0.95},
		{"knn", "moons", "KNeighborsClassifier(n_neighbors=5", 0.95},
	} {
		code, out, errs := run("train", "--model", c.model, "--data", c.data, "--samples", "300")
		if code != 0 {
			t.Fatalf("%s on %s: exit %d: %s", c.model, c.data, code, errs)
		}
		for _, want := range []string{"model: " + c.repr, "pipeline: StandardScaler (fitted on the training rows) → ", "data: " + c.data + ", 240 train / 60 test rows, task classification", "fit: ", "confusion matrix"} {
			if !strings.Contains(out, want) {
				t.Errorf("%s on %s: output lacks %q:\n%s", c.model, c.data, want, out)
			}
		}
		if acc := lastScore(t, out, "accuracy"); acc < c.min {
			t.Errorf("%s on %s: test accuracy %v < %v", c.model, c.data, acc, c.min)
		}
	}
	for _, c := range []struct {
		model, repr string
		min         float64
	}{
		{"linear", "LinearRegression()", 0.99},
		{"ridge", "Ridge(alpha=1)", 0.99},
		{"forest", "RandomForestRegressor(", 0.95},
		{"boosting", "HistGradientBoostingRegressor(", 0.95},
		{"knn", "KNeighborsRegressor(", 0.95},
		{"svm", `SVR(C=1, kernel="rbf", gamma="scale", epsilon=0.1)`, 0.9},
	} {
		code, out, errs := run("train", "--model", c.model, "--data", "plane", "--samples", "400")
		if code != 0 {
			t.Fatalf("%s on plane: exit %d: %s", c.model, code, errs)
		}
		if !strings.Contains(out, "model: "+c.repr) || !strings.Contains(out, "task regression") {
			t.Errorf("%s on plane: output lacks %q:\n%s", c.model, c.repr, out)
		}
		if r2 := lastScore(t, out, "r2"); r2 < c.min {
			t.Errorf("%s on plane: test r2 %v < %v", c.model, r2, c.min)
		}
	}
}

func TestTrainClassicalFlags(t *testing.T) {
	code, out, errs := run("train", "--model", "svm", "--kernel", "poly", "--degree", "2", "--C", "10", "--gamma", "auto", "--data", "circles", "--samples", "300")
	if code != 0 || !strings.Contains(out, `model: SVC(C=10, kernel="poly", gamma="auto", degree=2)`) {
		t.Fatalf("svm poly: exit %d %s\n%s", code, errs, out)
	}
	if acc := lastScore(t, out, "accuracy"); acc < 0.95 {
		t.Errorf("SVC(poly 2) on circles: %v < 0.95", acc)
	}
	code, out, errs = run("train", "--model", "knn", "--k", "7", "--weights", "distance", "--samples", "300")
	if code != 0 || !strings.Contains(out, `KNeighborsClassifier(n_neighbors=7, weights="distance")`) {
		t.Fatalf("knn: exit %d %s\n%s", code, errs, out)
	}
	code, out, errs = run("train", "--model", "forest", "--trees", "10", "--max-depth", "4", "--n-jobs", "2", "--samples", "300")
	if code != 0 || !strings.Contains(out, "RandomForestClassifier(n_estimators=10, max_depth=4, n_jobs=2, random_state=42)") {
		t.Fatalf("forest: exit %d %s\n%s", code, errs, out)
	}
	code, out, errs = run("train", "--model", "boosting", "--max-iter", "20", "--learning-rate", "0.3", "--samples", "300")
	if code != 0 || !strings.Contains(out, "HistGradientBoostingClassifier(learning_rate=0.3, max_iter=20, max_depth=None") {
		t.Fatalf("boosting: exit %d %s\n%s", code, errs, out)
	}
	code, out, errs = run("train", "--model", "ridge", "--alpha", "0.5", "--data", "plane", "--samples", "300")
	if code != 0 || !strings.Contains(out, "Ridge(alpha=0.5)") {
		t.Fatalf("ridge: exit %d %s\n%s", code, errs, out)
	}
}

// writeSplit writes the test rows of train's split of a built-in data set (samples rows, noise
// 0.03, seed 42, test split 0.2) as CSV, with the label column when labelled, and returns the path.
func writeSplit(t *testing.T, dir, name string, samples int, labelled bool) string {
	t.Helper()
	X, y, task, _ := synth.ByName(name, samples, 0.03, 42)
	var opts []data.SplitOption
	if task == synth.TaskClassification {
		opts = append(opts, data.Stratify())
	}
	_, test, err := data.TrainTestSplit(X, y, 0.2, 42, opts...)
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	d := X.Size(1)
	for j := range d {
		b.WriteString("x" + strconv.Itoa(j) + ",")
	}
	b.WriteString("y\n")
	xs, ys := test.X.Float64s(), test.Y.Float64s()
	for i := range test.Len() {
		for j := range d {
			b.WriteString(strconv.FormatFloat(xs[i*d+j], 'g', -1, 32) + ",")
		}
		if labelled {
			b.WriteString(strconv.FormatFloat(ys[i], 'g', -1, 32))
		} else {
			b.WriteString("0")
		}
		b.WriteString("\n")
	}
	s := b.String()
	if !labelled { // drop the label column
		s = regexp.MustCompile(`(?m),[^,\n]*$`).ReplaceAllString(s, "")
	}
	path := filepath.Join(dir, name+map[bool]string{true: "-labelled", false: ""}[labelled]+".csv")
	if err := os.WriteFile(path, []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// report returns the part of a train or eval output from the metrics on.
func report(out string) string {
	for _, start := range []string{"              precision", "test mse:"} {
		if i := strings.Index(out, start); i >= 0 {
			return strings.TrimSuffix(out[i:], "\n")
		}
	}
	return ""
}

func TestClassicalSavePredictEvalInspect(t *testing.T) {
	dir := t.TempDir()
	labelled := writeSplit(t, dir, "moons", 300, true)
	inputs := writeSplit(t, dir, "moons", 300, false)
	for _, c := range []struct {
		model  string
		header string // predict's header
	}{
		{"knn", "x0,x1,prediction,p_0,p_1"},
		{"svm", "x0,x1,prediction"}, // SVC without probability: no probabilities
		{"forest", "x0,x1,prediction,p_0,p_1"},
		{"boosting", "x0,x1,prediction,p_0,p_1"},
		{"logreg", "x0,x1,prediction,p_0,p_1"},
	} {
		path := filepath.Join(dir, c.model+".safetensors")
		code, trained, errs := run("train", "--model", c.model, "--data", "moons", "--samples", "300", "--save", path)
		if code != 0 || !strings.Contains(trained, "saved the model to "+path) {
			t.Fatalf("%s: train --save: exit %d %s\n%s", c.model, code, errs, trained)
		}
		// eval on the same test rows reproduces train's report exactly.
		code, evaluated, errs := run("eval", "--model", path, "--data", labelled)
		if code != 0 {
			t.Fatalf("%s: eval: exit %d %s", c.model, code, errs)
		}
		trained = strings.TrimSuffix(trained, "saved the model to "+path+"\n")
		if report(evaluated) == "" || report(evaluated) != report(trained) {
			t.Errorf("%s: eval's report differs from train's:\n%s\n---\n%s", c.model, report(evaluated), report(trained))
		}
		// predict gives the same predictions: the same accuracy against the labels.
		code, predicted, errs := run("predict", "--model", path, "--input", inputs)
		if code != 0 {
			t.Fatalf("%s: predict: exit %d %s", c.model, code, errs)
		}
		lines := strings.Split(strings.TrimSpace(predicted), "\n")
		if lines[0] != c.header {
			t.Errorf("%s: predict header %q, want %q", c.model, lines[0], c.header)
		}
		want, _ := os.ReadFile(labelled)
		truth := strings.Split(strings.TrimSpace(string(want)), "\n")[1:]
		if len(lines)-1 != len(truth) {
			t.Fatalf("%s: %d predictions for %d rows", c.model, len(lines)-1, len(truth))
		}
		right := 0
		for i, l := range lines[1:] {
			f, g := strings.Split(l, ","), strings.Split(truth[i], ",")
			if f[2] == g[2] {
				right++
			}
			if len(f) == 5 {
				p0, _ := strconv.ParseFloat(f[3], 64)
				p1, _ := strconv.ParseFloat(f[4], 64)
				if d := p0 + p1 - 1; d > 1e-5 || d < -1e-5 {
					t.Errorf("%s: row %d: probabilities %v + %v ≠ 1", c.model, i, p0, p1)
				}
			}
		}
		acc := float64(right) / float64(len(truth))
		if got := lastScore(t, trained, "accuracy"); strconv.FormatFloat(acc, 'f', 4, 64) != strconv.FormatFloat(got, 'f', 4, 64) {
			t.Errorf("%s: predict's accuracy %.4f, train's %.4f", c.model, acc, got)
		}
	}

	code, out, errs := run("inspect", filepath.Join(dir, "svm.safetensors"))
	for _, want := range []string{"estimator: pipeline", "0. standardscaler (data.StandardScaler)", "StandardScaler()",
		"1. svc (svm.SVC)", `SVC(C=1, kernel="rbf", gamma="scale")`, "all settings: svm.SVC(C=1, Kernel=\"rbf\"", "ember.task: classification", "stored values: "} {
		if !strings.Contains(out, want) {
			t.Errorf("inspect: exit %d %s, output lacks %q:\n%s", code, errs, want, out)
		}
	}

	// Regression: eval reproduces train's mse, mae and r2.
	planeLabelled := writeSplit(t, dir, "plane", 300, true)
	path := filepath.Join(dir, "ridge.safetensors")
	code, trained, errs := run("train", "--model", "ridge", "--data", "plane", "--samples", "300", "--save", path)
	if code != 0 {
		t.Fatalf("ridge: train --save: exit %d %s", code, errs)
	}
	code, evaluated, errs := run("eval", "--model", path, "--data", planeLabelled)
	trained = strings.TrimSuffix(trained, "saved the model to "+path+"\n")
	if code != 0 || report(evaluated) == "" || report(evaluated) != report(trained) {
		t.Errorf("ridge: eval exit %d %s: report\n%s\n---\n%s", code, errs, report(evaluated), report(trained))
	}
	code, predicted, errs := run("predict", "--model", path, "--input", planeLabelled)
	if code != 0 || !strings.HasPrefix(predicted, "x0,x1,y,prediction\n") {
		t.Errorf("ridge: predict exit %d %s\n%s", code, errs, predicted)
	}

	// A damaged estimator file is a one-line error.
	raw, _ := os.ReadFile(filepath.Join(dir, "knn.safetensors"))
	broken := filepath.Join(dir, "truncated.safetensors")
	os.WriteFile(broken, raw[:len(raw)/2], 0o644)
	// Metadata that does not match the estimator (fewer class names than it predicts, or
	// damaged settings) is an error too.
	f, err := serialize.ReadSafetensors(filepath.Join(dir, "forest.safetensors"))
	if err != nil {
		t.Fatal(err)
	}
	rewrite := func(name, key, value string) string {
		meta := maps.Clone(f.Metadata)
		meta[key] = value
		p := filepath.Join(dir, name)
		if err := serialize.WriteSafetensors(p, f.Tensors, f.Names, meta); err != nil {
			t.Fatal(err)
		}
		return p
	}
	oneClass := rewrite("one-class.safetensors", "ember.classes", `["0"]`)
	badParams := rewrite("bad-params.safetensors", "ember.estimator.params", `{"steps":[{"name":"x","kind":"svm.SVC","params":{}}]}`)
	for _, args := range [][]string{
		{"predict", "--model", broken, "--input", inputs},
		{"eval", "--model", broken, "--data", labelled},
		{"inspect", broken},
		{"predict", "--model", oneClass, "--input", inputs},
		{"eval", "--model", oneClass, "--data", labelled},
		{"predict", "--model", badParams, "--input", inputs},
		{"inspect", badParams},
	} {
		code, _, errs := run(args...)
		if code != 2 || strings.Count(errs, "\n") != 1 || strings.Contains(errs, "goroutine") {
			t.Errorf("%v: exit %d, stderr %q", args, code, errs)
		}
	}
}

func TestCompare(t *testing.T) {
	code, out, errs := run("compare", "--data", "circles", "--samples", "300")
	if code != 0 {
		t.Fatalf("compare: exit %d %s\n%s", code, errs, out)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if lines[0] != "data: circles, 240 train / 60 test rows, task classification" || !strings.HasPrefix(lines[2], "model ") {
		t.Fatalf("compare header:\n%s", out)
	}
	col := strings.Index(lines[2], "accuracy")
	row := regexp.MustCompile(`^(\w+) +(\S+(?:, epochs=\d+\))?) +(\d\.\d{4}) +(\d+\.\d{3}) +(\d+\.\d{3})$`)
	var models []string
	for _, l := range lines[3:] {
		m := row.FindStringSubmatch(l)
		if m == nil {
			t.Fatalf("row %q is not model, estimator, accuracy, fit s, predict s", l)
		}
		if strings.Index(l, m[3])+len(m[3]) != col+len("accuracy") {
			t.Errorf("row %q: the score is not aligned under the header", l)
		}
		models = append(models, m[1])
		if acc, _ := strconv.ParseFloat(m[3], 64); acc < 0.9 && m[1] != "logreg" {
			t.Errorf("%s: accuracy %v", m[1], acc)
		}
	}
	if strings.Join(models, ",") != "knn,svm,forest,boosting,logreg,mlp" {
		t.Errorf("compare trained %v", models)
	}

	code, out, errs = run("compare", "--data", "plane", "--samples", "300", "--models", "linear,ridge,knn,mlp", "--json")
	if code != 0 {
		t.Fatalf("compare --json: exit %d %s", code, errs)
	}
	lines = strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 4 {
		t.Fatalf("compare --json: want 4 lines:\n%s", out)
	}
	for i, want := range []string{`{"model":"linear","estimator":"LinearRegression","metric":"r2","score":0.9`, `{"model":"ridge","estimator":"Ridge","metric":"r2","score":0.9`,
		`{"model":"knn","estimator":"KNeighborsRegressor","metric":"r2","score":0.9`, `{"model":"mlp","estimator":"MLP(hidden=10,10,10, epochs=100)","metric":"r2","score":0.9`} {
		if !strings.HasPrefix(lines[i], want) || !strings.Contains(lines[i], `"fit_s":`) || !strings.Contains(lines[i], `"predict_s":`) {
			t.Errorf("line %d: %s, want prefix %s", i, lines[i], want)
		}
	}
}

func TestClassicalUsageErrors(t *testing.T) {
	for name, c := range map[string]struct {
		args []string
		want string
	}{
		"k zero":               {[]string{"train", "--model", "knn", "--k", "0"}, "--k must be positive, got 0"},
		"C negative":           {[]string{"train", "--model", "svm", "--C", "-1"}, "--C must be > 0, got -1"},
		"k with forest":        {[]string{"train", "--model", "forest", "--k", "3"}, "--k applies to --model knn only"},
		"C with forest":        {[]string{"train", "--model", "forest", "--C", "3"}, "--C applies to --model svm and logreg only"},
		"k with mlp":           {[]string{"train", "--k", "3"}, "--k applies to --model knn only"},
		"logreg on regression": {[]string{"train", "--model", "logreg", "--data", "plane"}, "--model logreg needs a classification target; for regression use linear or ridge"},
		"ridge on classes":     {[]string{"train", "--model", "ridge"}, "--model ridge needs a regression target; for classification use logreg"},
		"unknown model":        {[]string{"train", "--model", "nosuch"}, `unknown --model "nosuch": want one of mlp, cnn, knn, svm, forest, boosting, logreg, linear, ridge`},
		"epochs with knn":      {[]string{"train", "--model", "knn", "--epochs", "5"}, "--epochs applies to --model mlp and cnn only"},
		"resume with svm":      {[]string{"train", "--model", "svm", "--resume", "x"}, "--resume applies to --model mlp and cnn only"},
		"bad gamma":            {[]string{"train", "--model", "svm", "--gamma", "wide"}, `invalid --gamma "wide"`},
		"bad kernel":           {[]string{"train", "--model", "svm", "--kernel", "cubic"}, `unknown --kernel "cubic"`},
		"epsilon with SVC":     {[]string{"train", "--model", "svm", "--epsilon", "0.2"}, "--epsilon applies to --model svm on a regression target (SVR) only"},
		"degree with rbf":      {[]string{"train", "--model", "svm", "--degree", "2"}, "--degree applies to --kernel poly only"},
		"bad weights":          {[]string{"train", "--model", "knn", "--weights", "cosine"}, `unknown --weights "cosine"`},
		"trees zero":           {[]string{"train", "--model", "forest", "--trees", "0"}, "--trees must be positive"},
		"alpha negative":       {[]string{"train", "--model", "ridge", "--alpha", "-1", "--data", "plane"}, "--alpha must be ≥ 0"},
		"k too large":          {[]string{"train", "--model", "knn", "--k", "500", "--samples", "100"}, "n_neighbors"},
		"compare unknown":      {[]string{"compare", "--models", "knn,nosuch"}, `unknown model "nosuch" in --models`},
		"compare wrong task":   {[]string{"compare", "--data", "plane", "--models", "logreg"}, "--model logreg needs a classification target"},
	} {
		code, _, errs := run(c.args...)
		if code != 2 {
			t.Errorf("%s: exit %d, want 2", name, code)
		}
		if strings.Count(errs, "\n") != 1 || !strings.Contains(errs, c.want) || strings.Contains(errs, "goroutine") {
			t.Errorf("%s: stderr %q, want one line containing %q", name, errs, c.want)
		}
	}
}

func TestClassicalHelp(t *testing.T) {
	code, out, _ := run("train", "--help")
	if code != 0 {
		t.Fatalf("train --help exit %d", code)
	}
	for _, f := range []string{"k", "weights", "kernel", "C", "gamma", "degree", "epsilon", "trees", "max-depth", "max-iter", "alpha", "learning-rate", "n-jobs"} {
		if !strings.Contains(out, "  -"+f+" ") {
			t.Errorf("train --help does not document --%s", f)
		}
	}
	for _, want := range []string{"make_pipeline(StandardScaler(),", "training rows", "knn, svm, forest, boosting, logreg, linear, ridge", `(default "rbf")`, `(default "scale")`, "(default 5)"} {
		if !strings.Contains(out, want) {
			t.Errorf("train --help lacks %q", want)
		}
	}
	if code, out, _ := run("--help"); code != 0 || !regexp.MustCompile(`\n  compare +\S`).MatchString(out) {
		t.Errorf("ember --help does not list compare:\n%s", out)
	}
	if code, out, _ := run("compare", "--help"); code != 0 || !strings.Contains(out, "-models") || !strings.Contains(out, "-json") {
		t.Errorf("compare --help:\n%s", out)
	}
}

func TestClassicalCSVWithTextLabels(t *testing.T) {
	dir := t.TempDir()
	var csv strings.Builder
	csv.WriteString("width,height,kind\n")
	for i := range 120 {
		w, h := float64(i%12), float64(i/12)
		kind := "small"
		if w+h > 10 {
			kind = "large"
		}
		csv.WriteString(strconv.FormatFloat(w, 'f', 1, 64) + "," + strconv.FormatFloat(h, 'f', 1, 64) + "," + kind + "\n")
	}
	path := filepath.Join(dir, "shapes.csv")
	os.WriteFile(path, []byte(csv.String()), 0o644)
	model := filepath.Join(dir, "shapes.safetensors")
	code, out, errs := run("train", "--data", path, "--model", "logreg", "--save", model)
	if code != 0 || !strings.Contains(out, "large") || lastScore(t, strings.TrimSuffix(out, "saved the model to "+model+"\n"), "accuracy") < 0.9 {
		t.Fatalf("logreg on csv: exit %d %s\n%s", code, errs, out)
	}
	pts := filepath.Join(dir, "pts.csv")
	os.WriteFile(pts, []byte("height,width\n0,1\n9,11\n"), 0o644) // columns matched by name
	code, out, errs = run("predict", "--model", model, "--input", pts)
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if code != 0 || lines[0] != "height,width,prediction,p_large,p_small" || !strings.HasPrefix(lines[1], "0,1,small,") || !strings.HasPrefix(lines[2], "9,11,large,") {
		t.Fatalf("predict: exit %d %s\n%s", code, errs, out)
	}
	code, out, errs = run("eval", "--model", model, "--data", path)
	if code != 0 || lastScore(t, out, "accuracy") < 0.9 {
		t.Fatalf("eval: exit %d %s\n%s", code, errs, out)
	}
}
