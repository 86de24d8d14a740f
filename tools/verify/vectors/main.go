// Command vectors writes RFC 6962 / RFC 9162 inclusion and consistency proof vectors, valid and corrupted, with the
// verdict of github.com/transparency-dev/merkle for each, as JSON for tools/verify's RfcProofVectorsTest.
//
//	go run . > ../src/test/resources/io/countersign/verify/rfc9162-vectors/transparency-dev-merkle.json
package main

import (
	"bufio"
	"crypto"
	_ "crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"runtime/debug"

	"github.com/transparency-dev/merkle/proof"
	"github.com/transparency-dev/merkle/rfc6962"
	"github.com/transparency-dev/merkle/testonly"
)

// Every leaf index (and every smaller size) of these sizes is proven; for the sampled sizes, a few leaves and sizes.
const allLeavesUpTo = 9

var sampledSizes = []uint64{16, 17, 31, 32, 33, 64, 65, 1000}

var hasher = rfc6962.New(crypto.SHA256)

type inclusion struct {
	Case      string   `json:"case"`
	LeafIndex uint64   `json:"leafIndex"`
	TreeSize  uint64   `json:"treeSize"`
	LeafHash  string   `json:"leafHash"`
	Path      []string `json:"path"`
	Root      string   `json:"root"`
	Valid     bool     `json:"valid"`
}

type consistency struct {
	Case     string   `json:"case"`
	FromSize uint64   `json:"fromSize"`
	ToSize   uint64   `json:"toSize"`
	FromRoot string   `json:"fromRoot"`
	ToRoot   string   `json:"toRoot"`
	Path     []string `json:"path"`
	Valid    bool     `json:"valid"`
}

type document struct {
	Generator   string        `json:"generator"`
	Module      string        `json:"module"`
	Inclusion   []inclusion   `json:"inclusion"`
	Consistency []consistency `json:"consistency"`
}

func main() {
	tree := newTree(1000)
	doc := document{
		Generator: "tools/verify/vectors (go run .)",
		Module:    moduleVersion(),
	}
	for _, size := range sizes() {
		for _, index := range leaves(size) {
			doc.Inclusion = append(doc.Inclusion, inclusionVariants(tree, index, size)...)
		}
	}
	for _, size2 := range sizes() {
		for _, size1 := range leaves(size2 + 1) {
			doc.Consistency = append(doc.Consistency, consistencyVariants(tree, size1, size2)...)
		}
	}
	if err := write(doc); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

// write puts one vector on a line, so that a regenerated file diffs vector by vector.
func write(doc document) error {
	header, err := json.Marshal(struct {
		Generator string `json:"generator"`
		Module    string `json:"module"`
	}{doc.Generator, doc.Module})
	if err != nil {
		return err
	}
	out := bufio.NewWriter(os.Stdout)
	fmt.Fprintf(out, "%s,\n", header[:len(header)-1])
	writeArray(out, "inclusion", doc.Inclusion, ",")
	writeArray(out, "consistency", doc.Consistency, "}")
	fmt.Fprintln(out)
	return out.Flush()
}

func writeArray[T any](out *bufio.Writer, name string, vectors []T, after string) {
	fmt.Fprintf(out, "%q: [\n", name)
	for i, v := range vectors {
		line, err := json.Marshal(v)
		if err != nil {
			panic(err)
		}
		separator := ","
		if i == len(vectors)-1 {
			separator = ""
		}
		fmt.Fprintf(out, "%s%s\n", line, separator)
	}
	fmt.Fprintf(out, "]%s\n", after)
}

func moduleVersion() string {
	if info, ok := debug.ReadBuildInfo(); ok {
		for _, dep := range info.Deps {
			if dep.Path == "github.com/transparency-dev/merkle" {
				return dep.Path + "@" + dep.Version
			}
		}
	}
	return "github.com/transparency-dev/merkle"
}

// newTree holds testonly.LeafInputs (the RFC 6962 test leaves) followed by generated ones.
func newTree(size int) *testonly.Tree {
	tree := testonly.New(hasher)
	inputs := testonly.LeafInputs()
	for i := 0; i < size; i++ {
		if i < len(inputs) {
			tree.AppendData(inputs[i])
		} else {
			tree.AppendData([]byte(fmt.Sprintf("leaf %d", i)))
		}
	}
	return tree
}

func sizes() []uint64 {
	var all []uint64
	for size := uint64(1); size <= allLeavesUpTo; size++ {
		all = append(all, size)
	}
	return append(all, sampledSizes...)
}

// leaves are every index below size for small trees, else the edges, the middle and powers of four either side.
func leaves(size uint64) []uint64 {
	var picked []uint64
	if size <= allLeavesUpTo+1 {
		for i := uint64(0); i < size; i++ {
			picked = append(picked, i)
		}
		return picked
	}
	seen := map[uint64]bool{}
	add := func(i uint64) {
		if i < size && !seen[i] {
			seen[i] = true
			picked = append(picked, i)
		}
	}
	add(0)
	add(1)
	add(size / 2)
	add(size - 2)
	add(size - 1)
	for p := uint64(4); p < size; p *= 4 {
		add(p - 1)
		add(p)
	}
	return picked
}

func inclusionVariants(tree *testonly.Tree, index, size uint64) []inclusion {
	path, err := tree.InclusionProof(index, size)
	if err != nil {
		panic(err)
	}
	leaf, root := tree.LeafHash(index), tree.HashAt(size)
	valid := inclusion{Case: "valid", LeafIndex: index, TreeSize: size, LeafHash: b64(leaf), Path: b64s(path), Root: b64(root)}
	var out []inclusion
	add := func(name string, i, n uint64, l []byte, p [][]byte, r []byte) {
		v := inclusion{Case: name, LeafIndex: i, TreeSize: n, LeafHash: b64(l), Path: b64s(p), Root: b64(r)}
		v.Valid = proof.VerifyInclusion(hasher, i, n, l, p, r) == nil
		out = append(out, v)
	}
	add(valid.Case, index, size, leaf, path, root)
	if !out[0].Valid {
		panic(fmt.Sprintf("the proof for %d in %d does not verify", index, size))
	}
	span := nextPowerOfTwo(size)
	add("index+1", index+1, size, leaf, path, root)
	add("index-1", index-1, size, leaf, path, root)
	add("index=size", size, size, leaf, path, root)
	add("index-2^k (wraps)", index-span, size, leaf, path, root)
	add("index+2^k", index+span, size, leaf, path, root)
	add("index=2^64-1", math.MaxUint64, size, leaf, path, root)
	add("size+1", index, size+1, leaf, path, root)
	add("size-1", index, size-1, leaf, path, root)
	add("size*2", index, size*2, leaf, path, root)
	add("size=0", index, 0, leaf, path, root)
	add("size=2^64-1", index, math.MaxUint64, leaf, path, root)
	if len(path) > 0 {
		add("path truncated", index, size, leaf, path[:len(path)-1], root)
		add("path without its first node", index, size, leaf, path[1:], root)
		add("path node 0 cut to 9 bytes", index, size, leaf, replaced(path, 0, path[0][:9]), root)
		add("path node 0 with a 33rd byte", index, size, leaf, replaced(path, 0, append(clone(path[0]), 0)), root)
		add("path node 0 empty", index, size, leaf, replaced(path, 0, []byte{}), root)
	}
	add("path extended", index, size, leaf, append(clone2(path), leaf), root)
	for _, i := range firstAndLast(path) {
		add(fmt.Sprintf("path node %d flipped", i), index, size, leaf, replaced(path, i, flipped(path[i])), root)
	}
	add("leaf hash flipped", index, size, flipped(leaf), path, root)
	add("leaf hash empty", index, size, []byte{}, path, root)
	add("leaf hash cut to 9 bytes", index, size, leaf[:9], path, root)
	add("root flipped", index, size, leaf, path, flipped(root))
	add("root of size-1", index, size, leaf, path, tree.HashAt(size-1))
	add("root empty", index, size, leaf, path, []byte{})
	add("root cut to 9 bytes", index, size, leaf, path, root[:9])
	if size == 1 {
		add("leaf hash and root empty", index, size, []byte{}, path, []byte{})
	}
	return out
}

func consistencyVariants(tree *testonly.Tree, size1, size2 uint64) []consistency {
	path, err := tree.ConsistencyProof(size1, size2)
	if err != nil {
		panic(err)
	}
	root1, root2 := tree.HashAt(size1), tree.HashAt(size2)
	var out []consistency
	add := func(name string, m, n uint64, r1, r2 []byte, p [][]byte) {
		v := consistency{Case: name, FromSize: m, ToSize: n, FromRoot: b64(r1), ToRoot: b64(r2), Path: b64s(p)}
		v.Valid = proof.VerifyConsistency(hasher, m, n, p, r1, r2) == nil
		out = append(out, v)
	}
	add("valid", size1, size2, root1, root2, path)
	if !out[0].Valid {
		panic(fmt.Sprintf("the proof from %d to %d does not verify", size1, size2))
	}
	span := nextPowerOfTwo(size2)
	add("fromSize+1", size1+1, size2, root1, root2, path)
	add("fromSize-1", size1-1, size2, root1, root2, path)
	add("fromSize-2^k (wraps)", size1-span, size2, root1, root2, path)
	add("fromSize=2^64-1", math.MaxUint64, size2, root1, root2, path)
	add("toSize+1", size1, size2+1, root1, root2, path)
	add("toSize-1", size1, size2-1, root1, root2, path)
	add("toSize=2^64-1", size1, math.MaxUint64, root1, root2, path)
	add("both sizes wrapped", size1-span, size2-span, root1, root2, path)
	if len(path) > 0 {
		add("path truncated", size1, size2, root1, root2, path[:len(path)-1])
		add("path without its first node", size1, size2, root1, root2, path[1:])
		add("path node 0 cut to 9 bytes", size1, size2, root1, root2, replaced(path, 0, path[0][:9]))
		add("path node 0 with a 33rd byte", size1, size2, root1, root2, replaced(path, 0, append(clone(path[0]), 0)))
	}
	add("path extended", size1, size2, root1, root2, append(clone2(path), root1))
	for _, i := range firstAndLast(path) {
		add(fmt.Sprintf("path node %d flipped", i), size1, size2, root1, root2, replaced(path, i, flipped(path[i])))
	}
	add("fromRoot flipped", size1, size2, flipped(root1), root2, path)
	add("toRoot flipped", size1, size2, root1, flipped(root2), path)
	add("roots swapped", size1, size2, root2, root1, path)
	add("fromRoot empty", size1, size2, []byte{}, root2, path)
	add("toRoot cut to 9 bytes", size1, size2, root1, root2[:9], path)
	if size1 == size2 {
		add("both roots empty", size1, size2, []byte{}, []byte{}, path)
	}
	return out
}

func firstAndLast(path [][]byte) []int {
	switch len(path) {
	case 0:
		return nil
	case 1:
		return []int{0}
	}
	return []int{0, len(path) - 1}
}

func nextPowerOfTwo(n uint64) uint64 {
	p := uint64(1)
	for p < n {
		p *= 2
	}
	return p
}

func flipped(hash []byte) []byte {
	out := clone(hash)
	out[len(out)-1] ^= 1
	return out
}

func replaced(path [][]byte, i int, node []byte) [][]byte {
	out := clone2(path)
	out[i] = node
	return out
}

func clone(b []byte) []byte { return append([]byte{}, b...) }

func clone2(path [][]byte) [][]byte { return append([][]byte{}, path...) }

func b64(b []byte) string { return base64.StdEncoding.EncodeToString(b) }

func b64s(path [][]byte) []string {
	out := make([]string, len(path))
	for i, p := range path {
		out[i] = b64(p)
	}
	return out
}
