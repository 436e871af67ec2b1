// The CloudFormation templates in deploy/ parse with CloudFormation's short tags, every
// reference in them (!Ref, !GetAtt, !Sub's ${...}, and their Fn:: forms) names a declared
// parameter, resource or pseudo parameter, and every embedded EventPattern compiles with
// relay's own pattern engine. deploy/lambda/template.yaml also holds what the Lambda set-up
// needs (README, "Lambda").
#include "relay/config/yaml_json.hpp"
#include "relay/pattern/matcher.hpp"
#include "tests/support/run_process.hpp"

#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <boost/json.hpp>

#include <regex>
#include <set>
#include <string>
#include <vector>

namespace relay::testing {
namespace {

const std::set<std::string> kPseudoParameters = {"AWS::AccountId", "AWS::NotificationARNs", "AWS::NoValue",
                                                 "AWS::Partition",  "AWS::Region",           "AWS::StackId",
                                                 "AWS::StackName",  "AWS::URLSuffix"};
const std::set<std::string> kOtherTags = {"!Join", "!Select", "!Split",  "!If",        "!Equals", "!FindInMap", "!Base64",
                                          "!Cidr", "!GetAZs", "!Not",    "!And",       "!Or",     "!Condition", "!ImportValue"};

// Checks one template; each problem names where it is (Resources.Fn.Properties.Role) and what.
class TemplateChecker {
 public:
  explicit TemplateChecker(const YAML::Node& root) {
    for (const auto* section : {"Parameters", "Resources"})
      if (root[section])
        for (const auto& entry : root[section]) (section == std::string("Resources") ? resources_ : parameters_).insert(entry.first.as<std::string>());
    if (resources_.empty()) problems_.push_back("Resources: none declared");
    walk(root, "");
  }
  const std::vector<std::string>& problems() const { return problems_; }
  int patterns() const { return patterns_; }

 private:
  void walk(const YAML::Node& node, const std::string& path) {
    const std::string& tag = node.Tag();
    if (tag == "!Ref") return ref(node, path);
    if (tag == "!GetAtt") return get_att(node, path);
    if (tag == "!Sub") return sub(node, path);
    if (tag.size() > 1 && tag[0] == '!' && !kOtherTags.contains(tag)) problems_.push_back(path + ": unknown tag " + tag);
    if (node.IsMap()) {
      if (node.size() == 1) {
        const auto key = node.begin()->first.as<std::string>();
        if (key == "Ref") return ref(node.begin()->second, path + ".Ref");
        if (key == "Fn::GetAtt") return get_att(node.begin()->second, path + ".Fn::GetAtt");
        if (key == "Fn::Sub") return sub(node.begin()->second, path + ".Fn::Sub");
      }
      for (const auto& entry : node) {
        const auto key = entry.first.as<std::string>();
        const auto at = path.empty() ? key : path + "." + key;
        if (key == "EventPattern") pattern(entry.second, at);
        walk(entry.second, at);
      }
    } else if (node.IsSequence()) {
      for (std::size_t i = 0; i < node.size(); ++i) walk(node[i], path + "[" + std::to_string(i) + "]");
    }
  }

  void ref(const YAML::Node& node, const std::string& path) {
    if (!node.IsScalar()) return problems_.push_back(path + ": !Ref takes a name");
    const auto name = node.Scalar();
    if (!parameters_.contains(name) && !resources_.contains(name) && !kPseudoParameters.contains(name))
      problems_.push_back(path + ": !Ref " + name + " names no parameter or resource");
  }

  void get_att(const YAML::Node& node, const std::string& path) {
    std::string resource;
    if (node.IsScalar() && node.Scalar().find('.') != std::string::npos)
      resource = node.Scalar().substr(0, node.Scalar().find('.'));
    else if (node.IsSequence() && node.size() == 2 && node[0].IsScalar())
      resource = node[0].Scalar();
    else
      return problems_.push_back(path + ": !GetAtt takes Resource.Attribute or [Resource, Attribute]");
    if (!resources_.contains(resource)) problems_.push_back(path + ": !GetAtt " + resource + " names no resource");
  }

  void sub(const YAML::Node& node, const std::string& path) {
    std::set<std::string> variables;
    YAML::Node text = node;  // Node assignment writes through; reset() rebinds
    if (node.IsSequence() && node.size() == 2 && node[1].IsMap()) {
      text.reset(node[0]);
      for (const auto& entry : node[1]) {
        variables.insert(entry.first.as<std::string>());
        walk(entry.second, path + "[1]." + entry.first.as<std::string>());
      }
    }
    if (!text.IsScalar()) return problems_.push_back(path + ": !Sub takes a string or [string, {variables}]");
    static const std::regex placeholder(R"(\$\{([^!}][^}]*)\})");
    const auto& s = text.Scalar();
    for (auto it = std::sregex_iterator(s.begin(), s.end(), placeholder); it != std::sregex_iterator(); ++it) {
      const std::string name = (*it)[1];
      const auto dot = name.find('.');
      const bool known = variables.contains(name) || kPseudoParameters.contains(name) ||
                         (dot == std::string::npos ? parameters_.contains(name) || resources_.contains(name)
                                                   : resources_.contains(name.substr(0, dot)));
      if (!known) problems_.push_back(path + ": !Sub ${" + name + "} names no parameter or resource");
    }
  }

  // An EventPattern is YAML (a !Ref in it stands for some string) or a JSON string.
  void pattern(const YAML::Node& node, const std::string& path) {
    std::string text;
    if (node.IsScalar()) {
      text = node.Scalar();
    } else {
      YAML::Emitter out;
      out << node;
      std::string error;
      const auto json = config::yaml_to_json(out.c_str(), error);
      if (!json) return problems_.push_back(path + ": " + error);
      text = boost::json::serialize(*json);
    }
    pattern::MatcherBuilder builder;
    if (const auto error = builder.add(0, text)) problems_.push_back(path + ": " + error->message());
    ++patterns_;
  }

  std::set<std::string> parameters_, resources_;
  std::vector<std::string> problems_;
  int patterns_ = 0;
};

std::vector<std::string> check(const std::string& text) {
  return TemplateChecker(YAML::Load(text)).problems();
}

class DeployTemplate : public ::testing::TestWithParam<const char*> {};

TEST_P(DeployTemplate, ReferencesResolveAndPatternsCompile) {
  const auto root = YAML::LoadFile(std::string(RELAY_SOURCE_DIR "/deploy/") + GetParam());
  const TemplateChecker checker(root);
  EXPECT_EQ(checker.problems(), std::vector<std::string>{});
  EXPECT_GT(checker.patterns(), 0);
}

INSTANTIATE_TEST_SUITE_P(Deploy, DeployTemplate,
                         ::testing::Values("eventbridge.yaml", "eventbridge-oauth.yaml", "lambda/template.yaml"));

TEST(TemplateChecker, NamesEachDanglingReference) {
  EXPECT_EQ(check(R"(
Parameters: {Url: {Type: String}}
Resources:
  Queue: {Type: AWS::SQS::Queue}
  Fn:
    Type: AWS::Lambda::Function
    Properties:
      A: !Ref Url
      B: !Ref Missing
      C: !GetAtt Queue.Arn
      D: !GetAtt Gone.Arn
      E: !Sub "${Url}/${Queue.Arn}/${AWS::Region}/${!Literal}/${Nope}"
      F: !Sub ["${x}-${y}", {x: !Ref Url}]
      G: {"Fn::GetAtt": [Lost, Arn]}
      H: !Bogus x
)"),
            (std::vector<std::string>{
                "Resources.Fn.Properties.B: !Ref Missing names no parameter or resource",
                "Resources.Fn.Properties.D: !GetAtt Gone names no resource",
                "Resources.Fn.Properties.E: !Sub ${Nope} names no parameter or resource",
                "Resources.Fn.Properties.F: !Sub ${y} names no parameter or resource",
                "Resources.Fn.Properties.G.Fn::GetAtt: !GetAtt Lost names no resource",
                "Resources.Fn.Properties.H: unknown tag !Bogus",
            }));
}

TEST(TemplateChecker, NamesAPatternRelayRefuses) {
  EXPECT_EQ(check(R"(
Resources:
  Rule:
    Type: AWS::Events::Rule
    Properties:
      EventPattern: {source: [aws.ecs], detail: {state: [{prefx: RUN}]}}
)"),
            (std::vector<std::string>{R"(Resources.Rule.Properties.EventPattern: detail.state[0]: unknown operator "prefx")"}));
}

// What deploy/lambda/template.yaml must hold for the walk-through in the README to work.
class LambdaTemplate : public ::testing::Test {
 protected:
  static YAML::Node resource_of_type(const YAML::Node& resources, const std::string& type) {
    for (const auto& entry : resources)
      if (entry.second["Type"].as<std::string>() == type) return entry.second;
    ADD_FAILURE() << "no " << type;
    return YAML::Node();
  }
  YAML::Node root = YAML::LoadFile(RELAY_SOURCE_DIR "/deploy/lambda/template.yaml");
  YAML::Node resources = root["Resources"];
};

TEST_F(LambdaTemplate, FunctionRunsThePackagedBootstrap) {
  const auto fn = resource_of_type(resources, "AWS::Lambda::Function")["Properties"];
  EXPECT_EQ(fn["Runtime"].as<std::string>(), "provided.al2023");
  EXPECT_EQ(fn["Architectures"][0].as<std::string>(), "x86_64");
  EXPECT_EQ(fn["Handler"].as<std::string>(), "bootstrap");
  EXPECT_EQ(fn["Code"].as<std::string>(), "../../build/lambda/relay-lambda.zip");  // relative to the template
  EXPECT_EQ(fn["Environment"]["Variables"]["RELAY_CONFIG"].as<std::string>(), "/var/task/relay.yaml");
  EXPECT_EQ(fn["DeadLetterConfig"]["TargetArn"].Tag(), "!GetAtt");
  const auto queue = fn["DeadLetterConfig"]["TargetArn"].as<std::string>();
  EXPECT_EQ(resources[queue.substr(0, queue.find('.'))]["Type"].as<std::string>(), "AWS::SQS::Queue");
}

TEST_F(LambdaTemplate, AlarmsAndTheEcsRuleMayInvokeIt) {
  std::set<std::string> principals;
  for (const auto& entry : resources)
    if (entry.second["Type"].as<std::string>() == "AWS::Lambda::Permission")
      principals.insert(entry.second["Properties"]["Principal"].as<std::string>());
  EXPECT_EQ(principals, (std::set<std::string>{"lambda.alarms.cloudwatch.amazonaws.com", "events.amazonaws.com"}));
  const auto pattern = resource_of_type(resources, "AWS::Events::Rule")["Properties"]["EventPattern"];
  EXPECT_EQ(pattern["detail"]["clusterArn"][0].Tag(), "!Ref");
  EXPECT_EQ(pattern["detail"]["lastStatus"][0].as<std::string>(), "STOPPED");
}

// relay.yaml in the zip names the secret the template creates, by name.
TEST_F(LambdaTemplate, PackagedConfigNamesTheTemplatesSecret) {
  const auto secret = resource_of_type(resources, "AWS::SecretsManager::Secret")["Properties"];
  ASSERT_EQ(secret["Name"].Tag(), "!Ref");
  const auto name = root["Parameters"][secret["Name"].as<std::string>()]["Default"].as<std::string>();
  const auto config = YAML::LoadFile(RELAY_SOURCE_DIR "/deploy/lambda/relay.yaml");
  const auto ref = config["destinations"]["devops-agent"]["secret"].as<std::string>();
  EXPECT_EQ(ref, "secretsmanager:" + name + "#secret");
}

}  // namespace
}  // namespace relay::testing
