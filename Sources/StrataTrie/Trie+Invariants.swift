// Structural checks used by the tests (and cheap enough for debugging).

extension Trie {
    /// Every broken invariant, described; empty when the trie is well formed.
    ///
    /// Checks: the root's segment is empty and every other segment is not;
    /// `firstBytes` parallels `children`, is strictly ascending and matches each
    /// child's first segment byte; no node but the root lacks a value while
    /// having fewer than two children; every `count` equals the number of
    /// values in its subtree.
    func invariantViolations() -> [String] {
        var problems: [String] = []
        if !root.segment.isEmpty { problems.append("root has a segment") }
        _ = Trie.check(root, isRoot: true, path: [], &problems)
        return problems
    }

    /// Traps with the violations when the trie is not well formed.
    func checkInvariants() {
        let problems = invariantViolations()
        precondition(problems.isEmpty, "trie invariants broken: \(problems.joined(separator: "; "))")
    }

    private static func check(_ node: Node, isRoot: Bool, path: [UInt8], _ problems: inout [String]) -> Int {
        let here = path.map { String($0, radix: 16) }.joined(separator: " ")
        if !isRoot && node.segment.isEmpty { problems.append("[\(here)]: empty segment below the root") }
        if node.firstBytes.count != node.children.count {
            problems.append("[\(here)]: \(node.firstBytes.count) first bytes for \(node.children.count) children")
            return node.count
        }
        if !isRoot && node.value == nil && node.children.count < 2 {
            problems.append("[\(here)]: valueless node with \(node.children.count) children")
        }
        var total = node.value == nil ? 0 : 1
        for (i, child) in node.children.enumerated() {
            if i > 0 && node.firstBytes[i - 1] >= node.firstBytes[i] {
                problems.append("[\(here)]: first bytes not strictly ascending at \(i)")
            }
            if child.segment.first != node.firstBytes[i] {
                problems.append("[\(here)]: first byte \(node.firstBytes[i]) does not match child \(i)'s segment")
            }
            total += check(child, isRoot: false, path: path + child.segment, &problems)
        }
        if total != node.count { problems.append("[\(here)]: count \(node.count), actual \(total)") }
        return total
    }
}
