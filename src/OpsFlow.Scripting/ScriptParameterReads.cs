using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using OpsFlow.Engine.Definitions;
using OpsFlow.Scripting.Api;

namespace OpsFlow.Scripting;

/// <summary>
/// Which parameters each step of a script reads, found in its source with Roslyn's semantic model (for changing a
/// paused run's parameters: only what no finished step read may change). A step reads a parameter when anything its
/// declaration holds (body, compensation, condition, approval text: the whole fluent chain, and later chains on the
/// variable that holds it) or anything that decides whether it is declared (an enclosing if, loop or Branch) refers to
/// the value of <c>Param(...)</c>, directly or through top-level variables and functions, or to
/// <c>ctx.Parameters</c>. What the analysis cannot follow counts as reading everything: a computed step or
/// parameter name makes the whole script unknown, a computed <c>Parameters[…]</c> key makes its step read all.
/// </summary>
internal sealed class ScriptParameterReads
{
    private static readonly HashSet<string> Declarers = new(StringComparer.Ordinal) { "Step", "Approval", "Checkpoint" };

    private readonly Compilation _compilation;
    private readonly INamedTypeSymbol _script;
    private readonly INamedTypeSymbol _parameterValues;
    private readonly Dictionary<ISymbol, HashSet<string>> _symbolReads = new(SymbolEqualityComparer.Default);
    private readonly Dictionary<ISymbol, List<SyntaxNode>> _writes = new(SymbolEqualityComparer.Default);
    private readonly Dictionary<SyntaxTree, SemanticModel> _models = [];
    private readonly HashSet<ISymbol> _inProgress = new(SymbolEqualityComparer.Default);
    private bool _cycle;
    private bool _unknown;

    private ScriptParameterReads(Compilation compilation, INamedTypeSymbol script, INamedTypeSymbol parameterValues)
    {
        _compilation = compilation;
        _script = script;
        _parameterValues = parameterValues;
    }

    /// <summary>The reads of every step the script declares, or <see cref="ParameterUse.Unknown"/> when it cannot be followed.</summary>
    public static ParameterUse Analyze(Compilation compilation, CancellationToken cancellationToken)
    {
        var script = compilation.GetTypeByMetadataName(typeof(WorkflowScript).FullName!);
        var values = compilation.GetTypeByMetadataName(typeof(ParameterValues).FullName!);
        if (script is null || values is null)
        {
            return ParameterUse.Unknown;
        }

        var analysis = new ScriptParameterReads(compilation, script, values);
        var byStep = analysis.Steps(cancellationToken);
        return analysis._unknown ? ParameterUse.Unknown : new ParameterUse(byStep);
    }

    private Dictionary<string, IReadOnlySet<string>> Steps(CancellationToken cancellationToken)
    {
        foreach (var tree in _compilation.SyntaxTrees)
        {
            CollectWrites(tree, cancellationToken);
        }

        var steps = new Dictionary<string, IReadOnlySet<string>>(StringComparer.Ordinal);
        foreach (var tree in _compilation.SyntaxTrees)
        {
            var model = Model(tree);
            foreach (var call in tree.GetRoot(cancellationToken).DescendantNodes().OfType<InvocationExpressionSyntax>())
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (!IsScriptMethod(model.GetSymbolInfo(call, cancellationToken).Symbol, out var name) || !Declarers.Contains(name))
                {
                    continue;
                }

                if (call.ArgumentList.Arguments.FirstOrDefault() is not { } first
                    || model.GetConstantValue(first.Expression, cancellationToken).Value is not string step)
                {
                    _unknown = true; // a computed step name: nothing can be said per step
                    return steps;
                }

                var reads = new HashSet<string>(StringComparer.Ordinal);
                reads.UnionWith(ChainReads(call, model, cancellationToken));
                reads.UnionWith(EnclosingReads(call, model, cancellationToken));
                if (steps.TryGetValue(step, out var before))
                {
                    reads.UnionWith(before); // declared in several places (if / else): either may be the one
                }

                steps[step] = reads;
            }
        }

        return steps;
    }

    /// <summary>The fluent chain that declares the step, and every later chain on the variable that holds it.</summary>
    private HashSet<string> ChainReads(InvocationExpressionSyntax call, SemanticModel model, CancellationToken cancellationToken)
    {
        var top = ChainTop(call);
        var reads = ReadsOf(top, model, cancellationToken);
        if (top.Parent is EqualsValueClauseSyntax { Parent: VariableDeclaratorSyntax declarator }
            && model.GetDeclaredSymbol(declarator, cancellationToken) is { } handle)
        {
            foreach (var tree in _compilation.SyntaxTrees)
            {
                var treeModel = Model(tree);
                foreach (var use in tree.GetRoot(cancellationToken).DescendantNodes().OfType<IdentifierNameSyntax>())
                {
                    if (use.Parent is MemberAccessExpressionSyntax access && access.Expression == use
                        && SymbolEqualityComparer.Default.Equals(treeModel.GetSymbolInfo(use, cancellationToken).Symbol, handle))
                    {
                        reads.UnionWith(ReadsOf(ChainTop(use), treeModel, cancellationToken));
                    }
                }
            }
        }

        return reads;
    }

    /// <summary>Climbs <c>x.After(a).When(…).Message(…)</c> from its start to the whole expression.</summary>
    private static ExpressionSyntax ChainTop(ExpressionSyntax start)
    {
        var node = start;
        while (node.Parent is MemberAccessExpressionSyntax access && access.Expression == node
            && access.Parent is InvocationExpressionSyntax call && call.Expression == access)
        {
            node = call;
        }

        return node;
    }

    /// <summary>What decides whether the declaration runs: enclosing conditions, loops, Branch conditions, callers.</summary>
    private HashSet<string> EnclosingReads(SyntaxNode declaration, SemanticModel model, CancellationToken cancellationToken)
    {
        var reads = new HashSet<string>(StringComparer.Ordinal);
        SyntaxNode child = declaration;
        foreach (var ancestor in declaration.Ancestors())
        {
            var decides = ancestor switch
            {
                IfStatementSyntax s => s.Condition,
                ConditionalExpressionSyntax c when c.Condition != child => c.Condition,
                SwitchStatementSyntax s => s.Expression,
                SwitchExpressionSyntax s when s.GoverningExpression != child => s.GoverningExpression,
                CommonForEachStatementSyntax s when s.Expression != child => s.Expression,
                ForStatementSyntax s => (SyntaxNode?)s.Condition ?? s,
                WhileStatementSyntax s => s.Condition,
                DoStatementSyntax s => s.Condition,
                InvocationExpressionSyntax call when IsScriptMethod(model.GetSymbolInfo(call, cancellationToken).Symbol, out var name) && name == "Branch"
                    && call.ArgumentList.Arguments.FirstOrDefault() is { } condition && condition != child => condition,
                _ => null,
            };
            if (decides is not null)
            {
                reads.UnionWith(ReadsOf(decides, model, cancellationToken));
            }

            if (ancestor is LocalFunctionStatementSyntax or MethodDeclarationSyntax)
            {
                // A function that declares steps: whoever calls it decides, with what it passes.
                if (model.GetDeclaredSymbol(ancestor, cancellationToken) is { } function)
                {
                    reads.UnionWith(CallerReads(function, cancellationToken));
                }
            }

            child = ancestor;
        }

        return reads;
    }

    private HashSet<string> CallerReads(ISymbol function, CancellationToken cancellationToken)
    {
        var reads = new HashSet<string>(StringComparer.Ordinal);
        foreach (var tree in _compilation.SyntaxTrees)
        {
            var model = Model(tree);
            foreach (var call in tree.GetRoot(cancellationToken).DescendantNodes().OfType<InvocationExpressionSyntax>())
            {
                if (SymbolEqualityComparer.Default.Equals(model.GetSymbolInfo(call, cancellationToken).Symbol?.OriginalDefinition, function))
                {
                    reads.UnionWith(ReadsOf(call, model, cancellationToken));
                    reads.UnionWith(EnclosingReads(call, model, cancellationToken));
                }
            }
        }

        return reads;
    }

    /// <summary>The parameters <paramref name="node"/> reads, directly or through what it refers to.</summary>
    private HashSet<string> ReadsOf(SyntaxNode node, SemanticModel model, CancellationToken cancellationToken)
    {
        var reads = new HashSet<string>(StringComparer.Ordinal);
        foreach (var part in node.DescendantNodesAndSelf())
        {
            switch (part)
            {
                case InvocationExpressionSyntax call when IsScriptMethod(model.GetSymbolInfo(call, cancellationToken).Symbol, out var name) && name == "Param":
                    reads.Add(ConstantName(call.ArgumentList.Arguments.FirstOrDefault()?.Expression, model, whole: true, cancellationToken));
                    break;
                case ExpressionSyntax expression when IsParameterValues(expression, model, cancellationToken):
                    reads.Add(KeyRead(expression, model, cancellationToken));
                    break;
                case IdentifierNameSyntax identifier when model.GetSymbolInfo(identifier, cancellationToken).Symbol is { } symbol
                    && IsScriptDeclared(symbol) && !IsStepHandle(symbol) && !DeclaredWithin(symbol, node):
                    reads.UnionWith(SymbolReads(symbol, cancellationToken));
                    break;
            }
        }

        return reads;
    }

    /// <summary>What a top-level variable, function or property reads: its initializer, its body, what is assigned to it.</summary>
    private HashSet<string> SymbolReads(ISymbol symbol, CancellationToken cancellationToken)
    {
        symbol = symbol.OriginalDefinition;
        if (_symbolReads.TryGetValue(symbol, out var known))
        {
            return known;
        }

        if (!_inProgress.Add(symbol))
        {
            // A cycle (functions calling each other): the outer computation reads it all; what is computed meanwhile
            // lacks this part, so it is not remembered.
            _cycle = true;
            return [];
        }

        var outerCycle = _cycle;
        _cycle = false;
        var reads = new HashSet<string>(StringComparer.Ordinal);
        foreach (var reference in symbol.DeclaringSyntaxReferences)
        {
            var syntax = reference.GetSyntax(cancellationToken);
            var model = Model(syntax.SyntaxTree);
            SyntaxNode? source = syntax switch
            {
                VariableDeclaratorSyntax { Initializer: { } initializer } => initializer.Value,
                VariableDeclaratorSyntax => null,
                CommonForEachStatementSyntax loop => loop.Expression,
                LocalFunctionStatementSyntax or MethodDeclarationSyntax or PropertyDeclarationSyntax => syntax,
                ParameterSyntax => null, // a function's parameter: its callers' arguments are read where they call
                _ => syntax.FirstAncestorOrSelf<StatementSyntax>() ?? syntax, // out var, patterns, deconstruction
            };
            if (source is not null)
            {
                reads.UnionWith(ReadsOf(source, model, cancellationToken));
            }
        }

        foreach (var write in _writes.GetValueOrDefault(symbol) ?? [])
        {
            reads.UnionWith(ReadsOf(write, Model(write.SyntaxTree), cancellationToken));
        }

        _inProgress.Remove(symbol);
        if (!_cycle)
        {
            _symbolReads[symbol] = reads;
        }

        _cycle |= outerCycle;
        return reads;
    }

    /// <summary>Assignments and out/ref arguments anywhere: what a variable may hold besides its initializer.</summary>
    private void CollectWrites(SyntaxTree tree, CancellationToken cancellationToken)
    {
        var model = Model(tree);
        foreach (var node in tree.GetRoot(cancellationToken).DescendantNodes())
        {
            var (target, source) = node switch
            {
                AssignmentExpressionSyntax assignment => (assignment.Left, (SyntaxNode)assignment.Right),
                ArgumentSyntax { RefKindKeyword.RawKind: not 0 } argument when argument.Parent?.Parent is InvocationExpressionSyntax call => (argument.Expression, call),
                _ => (null, null),
            };
            if (target is not null && source is not null && model.GetSymbolInfo(target, cancellationToken).Symbol is { } symbol && IsScriptDeclared(symbol))
            {
                var key = symbol.OriginalDefinition;
                if (!_writes.TryGetValue(key, out var list))
                {
                    _writes[key] = list = [];
                }

                list.Add(source);
            }
        }
    }

    /// <summary><c>ctx.Parameters["x"]</c> and <c>GetInt("x")</c> read x; anything else done with the values reads all.</summary>
    private string KeyRead(ExpressionSyntax values, SemanticModel model, CancellationToken cancellationToken) => values.Parent switch
    {
        ElementAccessExpressionSyntax access when access.Expression == values && access.ArgumentList.Arguments.Count == 1 =>
            ConstantName(access.ArgumentList.Arguments[0].Expression, model, whole: false, cancellationToken),
        MemberAccessExpressionSyntax { Name.Identifier.ValueText: "GetInt" or "GetBool" } member when member.Expression == values
            && member.Parent is InvocationExpressionSyntax call && call.ArgumentList.Arguments.Count == 1 =>
            ConstantName(call.ArgumentList.Arguments[0].Expression, model, whole: false, cancellationToken),
        _ => ParameterUse.Any,
    };

    private string ConstantName(ExpressionSyntax? expression, SemanticModel model, bool whole, CancellationToken cancellationToken)
    {
        if (expression is not null && model.GetConstantValue(expression, cancellationToken).Value is string name)
        {
            return name;
        }

        // A parameter declared under a computed name could be any of them; read under one, its step reads any.
        _unknown |= whole;
        return ParameterUse.Any;
    }

    /// <summary>An expression that gives the run's parameter values; the name part of <c>ctx.Parameters</c> is judged with it.</summary>
    private bool IsParameterValues(ExpressionSyntax expression, SemanticModel model, CancellationToken cancellationToken) =>
        !(expression.Parent is MemberAccessExpressionSyntax access && access.Name == expression)
        && SymbolEqualityComparer.Default.Equals(model.GetTypeInfo(expression, cancellationToken).Type, _parameterValues);

    private bool IsScriptMethod(ISymbol? symbol, out string name)
    {
        name = symbol?.Name ?? string.Empty;
        return symbol is IMethodSymbol method && SymbolEqualityComparer.Default.Equals(method.ContainingType?.OriginalDefinition, _script);
    }

    /// <summary>Variables, functions and properties of the script itself (not of the API or the base library).</summary>
    private bool IsScriptDeclared(ISymbol symbol) =>
        symbol is IFieldSymbol or ILocalSymbol or IMethodSymbol or IPropertySymbol
        && symbol.DeclaringSyntaxReferences.Any(r => _compilation.SyntaxTrees.Contains(r.SyntaxTree));

    /// <summary>A variable holding a step (<c>.After(build)</c>): naming it names the step, it reads nothing of its declaration.</summary>
    private static bool IsStepHandle(ISymbol symbol)
    {
        // Any kind's builder: they all derive from StepDeclaration.
        for (var type = (symbol as IFieldSymbol)?.Type ?? (symbol as ILocalSymbol)?.Type; type is not null; type = type.BaseType)
        {
            if (type.Name == nameof(StepDeclaration) && type.ContainingNamespace.ToDisplayString() == typeof(StepDeclaration).Namespace)
            {
                return true;
            }
        }

        return false;
    }

    private static bool DeclaredWithin(ISymbol symbol, SyntaxNode node) =>
        symbol.DeclaringSyntaxReferences.All(r => r.SyntaxTree == node.SyntaxTree && node.Span.Contains(r.Span));

    private SemanticModel Model(SyntaxTree tree)
    {
        if (!_models.TryGetValue(tree, out var model))
        {
            _models[tree] = model = _compilation.GetSemanticModel(tree);
        }

        return model;
    }
}
