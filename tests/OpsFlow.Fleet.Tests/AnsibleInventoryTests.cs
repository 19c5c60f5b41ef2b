using OpsFlow.Fleet;

namespace OpsFlow.Fleet.Tests;

/// <summary>The inventory files ops teams already keep, INI and YAML, read into nodes with tags and vars.</summary>
public sealed class AnsibleInventoryTests
{
    private const string Ini = """
        # web servers
        [web]
        web-1 ansible_host=10.0.0.11
        web-2 ansible_host=10.0.0.12 ansible_port=2222 motd="hello there"

        [db]
        db-1 ansible_host=10.0.0.21 ansible_user=postgres

        [prod:children]
        web
        db

        [web:vars]
        app_root=/srv/app

        [all:vars]
        ansible_user=deploy
        """;

    private const string Yaml = """
        all:
          vars:
            ansible_user: deploy
          children:
            prod:
              children:
                web:
                  hosts:
                    web-1:
                      ansible_host: 10.0.0.11
                    web-2:
                      ansible_host: 10.0.0.12
                      ansible_port: 2222
                      motd: hello there
                  vars:
                    app_root: /srv/app
                db:
                  hosts:
                    db-1:
                      ansible_host: 10.0.0.21
                      ansible_user: postgres
        """;

    [Theory]
    [InlineData("hosts.ini", Ini)]
    [InlineData("hosts.yml", Yaml)]
    public void Parse_GivesEveryHostItsGroupsThroughChildren_ItsAddress_AndItsVars(string file, string text)
    {
        var nodes = AnsibleInventory.Parse(text, file, 22, "opsflow").ToDictionary(n => n.Name);

        Assert.Equal(["db-1", "web-1", "web-2"], nodes.Keys.Order(StringComparer.Ordinal));
        var web2 = nodes["web-2"];
        Assert.Equal(("10.0.0.12", 2222, "deploy"), (web2.Host, web2.Port, web2.User));
        Assert.Equal(["prod", "web"], web2.Tags);
        Assert.Equal(("/srv/app", "hello there"), (web2.Var("app_root"), web2.Var("motd")));
        Assert.False(web2.Vars.ContainsKey("ansible_host"), "connection variables become the node's address, not vars");
        var db = nodes["db-1"];
        Assert.Equal(("10.0.0.21", 22, "postgres", null), (db.Host, db.Port, db.User, db.Var("app_root")));
        Assert.Equal(["db", "prod"], db.Tags);
    }

    [Theory]
    [InlineData("hosts.ini", "[web\nweb-1\n", "hosts.ini:1: a section header is [group]")]
    [InlineData("hosts.ini", "[web]\nweb-[01:10]\n", "hosts.ini:2: host ranges like 'web-[01:10]' are not supported")]
    [InlineData("hosts.ini", "[web]\nweb-1 ansible_port=ssh\n", "hosts.ini: host 'web-1' has ansible_port=ssh; a port is a number.")]
    [InlineData("hosts.yml", "all:\n  hostz:\n    web-1:\n", "hosts.yml:2: group 'all' has 'hostz'")]
    public void Parse_ABadFile_SaysWhereAndWhat(string file, string text, string expected)
    {
        var error = Assert.Throws<InventoryException>(() => AnsibleInventory.Parse(text, file, 22, "opsflow"));

        Assert.StartsWith(expected, error.Message, StringComparison.Ordinal);
    }
}
