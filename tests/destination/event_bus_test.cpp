#include "relay/destination/event_bus.hpp"

#include <gtest/gtest.h>

namespace relay::destination {
namespace {

TEST(EventBus, NamesAreTakenAsTheyAre) {
  for (std::string_view name : {"default", "ops", "aws.partner/example.com/123/orders", "a_b-c.d"}) {
    std::string error;
    auto bus = parse_event_bus(name, error);
    ASSERT_TRUE(bus) << name << ": " << error;
    EXPECT_EQ(bus->name_or_arn, name);
    EXPECT_EQ(bus->region, "");
  }
}

TEST(EventBus, ArnsGiveTheirRegionInEveryPartition) {
  struct Case {
    std::string_view arn, region;
  } cases[] = {{"arn:aws:events:us-east-1:123456789012:event-bus/ops", "us-east-1"},
               {"arn:aws-cn:events:cn-north-1:123456789012:event-bus/default", "cn-north-1"},
               {"arn:aws-us-gov:events:us-gov-west-1:123456789012:event-bus/ops", "us-gov-west-1"},
               {"arn:aws:events:eu-west-2:123456789012:event-bus/aws.partner/example.com/1/x", "eu-west-2"}};
  for (const auto& c : cases) {
    std::string error;
    auto bus = parse_event_bus(c.arn, error);
    ASSERT_TRUE(bus) << c.arn << ": " << error;
    EXPECT_EQ(bus->name_or_arn, c.arn);
    EXPECT_EQ(bus->region, c.region);
  }
}

TEST(EventBus, BadNamesAndArnsSayWhatIsWrong) {
  const std::string shape = " (expected arn:PARTITION:events:REGION:ACCOUNT:event-bus/NAME)";
  struct Case {
    std::string_view text;
    std::string error;
  } cases[] = {
      {"", "expected an event bus name (up to 256 of A-Z a-z 0-9 . _ - /) or an ARN "
           "arn:PARTITION:events:REGION:ACCOUNT:event-bus/NAME"},
      {"my bus", "expected an event bus name (up to 256 of A-Z a-z 0-9 . _ - /) or an ARN "
                 "arn:PARTITION:events:REGION:ACCOUNT:event-bus/NAME"},
      {"arn:aws:events:us-east-1:123456789012", "not an event bus ARN" + shape},
      {"arn:gcp:events:us-east-1:123456789012:event-bus/x", "the ARN's partition \"gcp\" is not an AWS one" + shape},
      {"arn:aws:sqs:us-east-1:123456789012:event-bus/x", "the ARN names the service \"sqs\", not events" + shape},
      {"arn:aws:events:useast1:123456789012:event-bus/x", "the ARN's region \"useast1\" is not a region name" + shape},
      {"arn:aws:events:us-east-1:1234:event-bus/x", "the ARN's account is not 12 digits" + shape},
      {"arn:aws:events:us-east-1:123456789012:rule/x", "the ARN does not name an event bus" + shape},
      {"arn:aws:events:us-east-1:123456789012:event-bus/", "the ARN's bus name is not a valid event bus name" + shape},
  };
  for (const auto& c : cases) {
    std::string error;
    EXPECT_FALSE(parse_event_bus(c.text, error)) << c.text;
    EXPECT_EQ(error, c.error) << c.text;
  }
  std::string error;
  EXPECT_FALSE(parse_event_bus(std::string(257, 'a'), error));
  EXPECT_TRUE(parse_event_bus(std::string(256, 'a'), error));
}

TEST(EventBus, RegionNamesAndEndpoints) {
  for (std::string_view r : {"us-east-1", "us-gov-west-1", "cn-north-1", "ap-southeast-5", "us-isob-east-1"})
    EXPECT_TRUE(is_region(r)) << r;
  for (std::string_view r : {"", "us-east", "US-EAST-1", "us-east-1a", "us--1", "-east-1", "us-east-1.evil.com"})
    EXPECT_FALSE(is_region(r)) << r;
  EXPECT_EQ(default_endpoint("us-east-1"), "https://events.us-east-1.amazonaws.com");
  EXPECT_EQ(default_endpoint("cn-northwest-1"), "https://events.cn-northwest-1.amazonaws.com.cn");
}

}  // namespace
}  // namespace relay::destination
